import type { TableClient } from '@azure/data-tables';
import { describe, expect, it, vi } from 'vitest';

import type { LockoutFlag, StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import type { FlagWrite, LockoutStore } from '../../../src/lib/detection/repositories';
import { AppError } from '../../../src/lib/http/problem';
import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { createTableScanStateStore } from '../../../src/lib/storage/scan-state';
import { recordRequests, useAzurite } from './azurite-fixture';
import { lockoutFlag as flag } from './lockout-flag';

const storage = useAzurite();

const store = () => storage.freshStore(createTableLockoutStore);

describe('Table lockout store', () => {
  it('round-trips a flag, recent events and counted attempts included', async () => {
    const lockouts = await store();
    const written = await lockouts.put(flag(1), undefined);
    expect(written?.etag).toBeTruthy();
    const read = await lockouts.get(flag(1).userId.toUpperCase());
    expect(read).toEqual({ ...flag(1), etag: read?.etag });
  });

  it('finds a flag by UPN, case-insensitively', async () => {
    const lockouts = await store();
    await lockouts.put(flag(2), undefined);
    expect((await lockouts.findByUpn('user2@contoso.com'))?.userId).toBe(flag(2).userId);
    expect(await lockouts.findByUpn('nobody@contoso.com')).toBeUndefined();
  });

  it('refuses a stale ETag and a second insert', async () => {
    const lockouts = await store();
    const first = await lockouts.put(flag(3), undefined);
    expect(await lockouts.put(flag(3), undefined)).toBeUndefined();
    const second = await lockouts.put({ ...flag(3), lockoutAttempts: 4 }, first?.etag);
    expect(second).toBeDefined();
    expect(await lockouts.put({ ...flag(3), lockoutAttempts: 5 }, first?.etag)).toBeUndefined();
    expect((await lockouts.get(flag(3).userId))?.lockoutAttempts).toBe(4);
  });

  it('stores the id as the RowKey only, and takes a flag deleted meanwhile (404) as a lost race', async () => {
    const { table, lockouts } = await lockoutTable();
    const written = await lockouts.put(flag(4), undefined);
    const row = await table.getEntity('lockout', flag(4).userId);
    expect(row).not.toHaveProperty('userId');
    await table.deleteEntity('lockout', flag(4).userId);
    expect(await lockouts.put({ ...flag(4), lockoutAttempts: 4 }, written?.etag)).toBeUndefined();
  });

  it('putMany of nothing writes nothing', async () => {
    const { table, lockouts } = await lockoutTable();
    const submit = vi.spyOn(table, 'submitTransaction');
    expect(await lockouts.putMany([])).toEqual([]);
    expect(submit).not.toHaveBeenCalled();
  });

  it('putMany: a failed transaction that lost no race fails, and is not retried row by row', async () => {
    const { table, lockouts } = await lockoutTable();
    const down = Object.assign(new Error('server busy'), { name: 'RestError', statusCode: 503 });
    vi.spyOn(table, 'submitTransaction').mockRejectedValue(down);
    const create = vi.spyOn(table, 'createEntity');
    await expect(lockouts.putMany([{ flag: flag(5), etag: undefined }])).rejects.toBe(down);
    expect(create).not.toHaveBeenCalled();
  });

  it('lists by status, category and since, in pages with a continuation token', async () => {
    const lockouts = await store();
    for (let n = 1; n <= 7; n += 1) {
      await lockouts.put(
        flag(n, {
          status: n === 7 ? 'resolved' : 'open',
          category: n === 6 ? 'suspected_attack' : 'lockout',
        }),
        undefined,
      );
    }
    const first = await lockouts.list({ status: 'open', limit: 2 });
    expect(first.lockouts).toHaveLength(2);
    const seen = first.lockouts.map((item) => item.userId);
    let token = first.continuationToken;
    while (token) {
      const page = await lockouts.list({ status: 'open', limit: 2, continuationToken: token });
      seen.push(...page.lockouts.map((item) => item.userId));
      token = page.continuationToken;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect((await lockouts.list({ category: 'suspected_attack' })).lockouts).toHaveLength(1);
    expect((await lockouts.list({ since: new Date('2026-11-25T10:05:00Z') })).lockouts).toHaveLength(3);
  });

  it('refuses a continuation token issued for other filters, or forged', async () => {
    const lockouts = await store();
    for (let n = 1; n <= 3; n += 1) await lockouts.put(flag(n), undefined);
    const { continuationToken } = await lockouts.list({ limit: 1 });
    await expect(lockouts.list({ status: 'open', limit: 1, continuationToken })).rejects.toBeInstanceOf(
      AppError,
    );
    await expect(lockouts.list({ continuationToken: 'not-a-token' })).rejects.toBeInstanceOf(AppError);
  });
});

/** An object id with letters in it (so case matters), ordered by n. */
const idOf = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-0000000000ff`;

/** Flag n under a lettered id, its counts set from `attempts` so a rewrite is visible. */
const lettered = (n: number, attempts = 3): LockoutFlag =>
  flag(n, { userId: idOf(n), lockoutAttempts: attempts });

/** What the store hands back for a flag: the lower-case id and some ETag. */
const asStored = (value: LockoutFlag) => ({
  ...value,
  userId: value.userId.toLowerCase(),
  etag: expect.any(String) as unknown as string,
});

const withoutEtag = ({ etag: _etag, ...rest }: StoredLockoutFlag): LockoutFlag => rest;

async function lockoutTable() {
  const table = await storage.freshTable();
  return { table, lockouts: createTableLockoutStore({ table: () => Promise.resolve(table) }) };
}

/** Writes flags one by one (put, not putMany), a few at a time; the ETags by n. */
async function seed(lockouts: LockoutStore, ns: readonly number[]) {
  const etags = new Map<number, string>();
  for (let i = 0; i < ns.length; i += 25) {
    await Promise.all(
      ns.slice(i, i + 25).map(async (n) => {
        const written = await lockouts.put(lettered(n), undefined);
        if (!written) throw new Error(`seeding flag ${n} failed`);
        etags.set(n, written.etag);
      }),
    );
  }
  return etags;
}

/** The table's rows as the service holds them: RowKey → attempts and ETag. */
async function rows(table: TableClient) {
  const found = new Map<string, { lockoutAttempts: unknown; etag: string }>();
  for await (const row of table.listEntities()) {
    found.set(row.rowKey ?? '', { lockoutAttempts: row.lockoutAttempts, etag: row.etag });
  }
  return found;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('Table lockout store, many flags at once', () => {
  it.each([
    { requested: 12, reads: 'point' },
    { requested: 99, reads: 'point' },
    { requested: 100, reads: 'range' },
    { requested: 250, reads: 'range' },
  ])(
    'getMany of $requested ids ($reads reads) returns exactly the existing requested flags',
    async ({ requested, reads }) => {
      const { table, lockouts } = await lockoutTable();
      // The table holds every n up to just past the requested ones except n % 10 === 4; the
      // even n are requested, so odd flags lie between requested ids without being asked for.
      const present = range(0, 2 * requested + 2).filter((n) => n % 10 !== 4);
      await seed(lockouts, present);
      const wanted = range(0, 2 * requested).filter((n) => n % 2 === 0);
      const ids = wanted.map((n, index) => (index % 3 === 0 ? idOf(n).toUpperCase() : idOf(n)));
      ids.push(idOf(0), idOf(2).toUpperCase(), idOf(wanted[wanted.length - 1] ?? 0));
      const getEntity = vi.spyOn(table, 'getEntity');
      const listEntities = vi.spyOn(table, 'listEntities');

      // Asked for in no particular order: the store sorts them into its ranges.
      const found = await lockouts.getMany(ids.reverse());

      const expected = wanted.filter((n) => n % 10 !== 4);
      expect([...found.keys()].sort()).toEqual(expected.map(idOf).sort());
      for (const n of expected) expect(found.get(idOf(n))).toEqual(asStored(lettered(n)));
      if (reads === 'point') expect(listEntities).not.toHaveBeenCalled();
      else expect(getEntity).not.toHaveBeenCalled();

      for (const n of [expected[0], expected[expected.length - 1]]) {
        const read = found.get(idOf(n ?? -1));
        if (!read) throw new Error('missing flag');
        const rewritten = await lockouts.put({ ...withoutEtag(read), lockoutAttempts: 9 }, read.etag);
        expect(rewritten).toBeDefined();
        expect((await lockouts.get(read.userId))?.lockoutAttempts).toBe(9);
      }
    },
  );

  it('getMany of no ids, or of ids without flags, is empty', async () => {
    const { lockouts } = await lockoutTable();
    await seed(lockouts, [1]);
    expect((await lockouts.getMany([])).size).toBe(0);
    expect((await lockouts.getMany([idOf(2), idOf(3)])).size).toBe(0);
  });

  it('putMany inserts and replaces in one transaction, in input order, with fresh ETags', async () => {
    const { table, lockouts } = await lockoutTable();
    const seeded = await seed(lockouts, [1, 3]);
    const writes: FlagWrite[] = [0, 1, 2, 3, 4].map((n) => ({
      flag: { ...lettered(n, 10 + n), userId: n % 2 ? idOf(n).toUpperCase() : idOf(n) },
      etag: seeded.get(n),
    }));
    const submit = vi.spyOn(table, 'submitTransaction');
    const oneByOne = [vi.spyOn(table, 'createEntity'), vi.spyOn(table, 'updateEntity')];

    const results = await lockouts.putMany(writes);

    expect(submit).toHaveBeenCalledTimes(1);
    for (const write of oneByOne) expect(write).not.toHaveBeenCalled();
    expect(results).toEqual(writes.map(({ flag: written }) => asStored(written)));
    expect(results[1]?.etag).not.toBe(seeded.get(1));
    expect(results[3]?.etag).not.toBe(seeded.get(3));
    const held = await rows(table);
    expect(held.size).toBe(5);
    for (const [index, n] of [0, 1, 2, 3, 4].entries()) {
      expect(held.get(idOf(n))).toEqual({ lockoutAttempts: 10 + n, etag: results[index]?.etag });
      expect(await lockouts.get(idOf(n))).toEqual({
        ...asStored(lettered(n, 10 + n)),
        etag: results[index]?.etag,
      });
    }
    for (const result of results) {
      if (!result) throw new Error('missing result');
      expect(await lockouts.put({ ...withoutEtag(result), lockoutAttempts: 1 }, result.etag)).toBeDefined();
    }
  });

  it('putMany of more than 100 flags spans several transactions, results in input order', async () => {
    const { table, lockouts } = await lockoutTable();
    const ns = range(0, 230);
    const seeded = await seed(
      lockouts,
      ns.filter((n) => n % 3 === 0),
    );
    // Not in id order, so the results' order can only come from the input's.
    const order = [...ns].reverse();
    const submit = vi.spyOn(table, 'submitTransaction');

    const results = await lockouts.putMany(
      order.map((n) => ({ flag: lettered(n, 10 + n), etag: seeded.get(n) })),
    );

    expect(submit.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(results).toEqual(order.map((n) => asStored(lettered(n, 10 + n))));
    const held = await rows(table);
    expect(held.size).toBe(230);
    order.forEach((n, index) => {
      expect(held.get(idOf(n))).toEqual({ lockoutAttempts: 10 + n, etag: results[index]?.etag });
    });
    const rewritten = await Promise.all(
      results.map(async (result) =>
        result ? await lockouts.put({ ...withoutEtag(result), lockoutAttempts: 1 }, result.etag) : undefined,
      ),
    );
    expect(rewritten.every((result) => result !== undefined)).toBe(true);
  });

  it.each(['a stale ETag', 'an insert of an existing row'])(
    'putMany: a flag that lost its race (%s) comes back undefined and unchanged, its group is written',
    async (race) => {
      const { table, lockouts } = await lockoutTable();
      const ns = range(0, 120);
      const loser = 110;
      const seeded = await seed(
        lockouts,
        ns.filter((n) => n % 2 === 0 && n !== loser),
      );
      // Someone else writes the loser between our read and our write.
      let loserEtag: string | undefined;
      if (race === 'a stale ETag') {
        const read = await lockouts.put(lettered(loser), undefined);
        loserEtag = read?.etag;
        expect(await lockouts.put(lettered(loser, 77), loserEtag)).toBeDefined();
      } else {
        expect(await lockouts.put(lettered(loser, 77), undefined)).toBeDefined();
      }
      const writes = ns.map((n) => ({
        flag: lettered(n, 10 + n),
        etag: n === loser ? loserEtag : seeded.get(n),
      }));

      const results = await lockouts.putMany(writes);

      expect(results).toHaveLength(120);
      expect(results[loser]).toBeUndefined();
      const held = await rows(table);
      expect(held.size).toBe(120);
      expect(held.get(idOf(loser))?.lockoutAttempts).toBe(77);
      for (const n of ns.filter((other) => other !== loser)) {
        expect(results[n]).toEqual(asStored(lettered(n, 10 + n)));
        expect(held.get(idOf(n))).toEqual({ lockoutAttempts: 10 + n, etag: results[n]?.etag });
      }
    },
  );
});

describe('Table scan state', () => {
  it('starts empty, and only the holder of the current ETag may write', async () => {
    const table = await storage.freshTable();
    const state = createTableScanStateStore({ table: () => Promise.resolve(table) });
    const empty = await state.read();
    expect(empty).toEqual({ condition: 'ok' });
    expect(await state.write({ condition: 'ok', watermark: '2026-11-25T10:00:00.000Z' }, undefined)).toBe(
      true,
    );
    expect(await state.write({ condition: 'ok', watermark: '2026-11-25T10:05:00.000Z' }, undefined)).toBe(
      false,
    );
    const current = await state.read();
    expect(await state.write({ condition: 'ok', watermark: '2026-11-25T10:05:00.000Z' }, current.etag)).toBe(
      true,
    );
    expect(await state.write({ condition: 'ok', watermark: '2026-11-25T10:10:00.000Z' }, current.etag)).toBe(
      false,
    );
    expect((await state.read()).watermark).toBe('2026-11-25T10:05:00.000Z');
  });
});

describe('Table lockout store: optional fields', () => {
  it('round-trips a flag without a UPN or any optional field, and one with all of them', async () => {
    const lockouts = await store();
    const bare = flag(11);
    delete bare.userPrincipalName;
    await lockouts.put(bare, undefined);
    const read = await lockouts.get(bare.userId);
    expect(read).toEqual({ ...bare, etag: read?.etag });
    expect(read).not.toHaveProperty('userPrincipalName');
    expect(await lockouts.findByUpn('user11@contoso.com')).toBeUndefined();

    const full = flag(12, {
      status: 'resolved',
      acknowledgedAt: '2026-11-25T11:10:00.000Z',
      resolvedAt: '2026-11-25T11:20:00.000Z',
      ticket: 'INC0012345',
      recentEvents: [
        {
          id: 'e12',
          time: '2026-11-25T10:00:00.000Z',
          category: 'suspected_attack',
          errorCode: 500121,
          failureReason: 'denied',
          details: 'MFA denied',
          app: 'Office',
          clientApp: 'Browser',
          ipAddress: '203.0.113.7',
          location: 'Oslo, NO',
          correlationId: 'c-12',
        },
      ],
    });
    await lockouts.put(full, undefined);
    expect(await lockouts.get(full.userId)).toEqual(asStored(full));
    expect(await lockouts.findByUpn('USER12@contoso.com')).toEqual(asStored(full));
  });
});

describe('Table lockout store: list pages and limits', () => {
  const invalidLimit = {
    code: 'invalid_request',
    detail: 'limit must be 1–100',
    options: { errors: [{ path: 'limit', message: 'must be 1–100' }] },
  };

  it.each([0, 101, 2.5, -1])('refuses limit %s', async (limit) => {
    const lockouts = await store();
    await expect(lockouts.list({ limit })).rejects.toMatchObject(invalidLimit);
  });

  it('returns 50 flags by default and up to 100 when asked, in user id order', async () => {
    const { lockouts } = await lockoutTable();
    await seed(lockouts, range(0, 101));
    const first = await lockouts.list({});
    expect(first.lockouts.map((item) => item.userId)).toEqual(range(0, 50).map(idOf));
    expect(first.continuationToken).toEqual(expect.any(String));
    const hundred = await lockouts.list({ limit: 100 });
    expect(hundred.lockouts.map((item) => item.userId)).toEqual(range(0, 100).map(idOf));
    const rest = await lockouts.list({ limit: 100, continuationToken: hundred.continuationToken });
    expect(rest).toEqual({ lockouts: [expect.objectContaining({ userId: idOf(100) })] });
  });

  it('gives no token when the last page is exactly full, and one when a flag remains', async () => {
    const { lockouts } = await lockoutTable();
    await seed(lockouts, [1, 2, 3]);
    expect(await lockouts.list({ limit: 3 })).toEqual({
      lockouts: [1, 2, 3].map((n) => asStored(lettered(n))),
    });
    const first = await lockouts.list({ limit: 2 });
    expect(first.lockouts.map((item) => item.userId)).toEqual([idOf(1), idOf(2)]);
    const second = await lockouts.list({ limit: 2, continuationToken: first.continuationToken });
    expect(second).toEqual({ lockouts: [asStored(lettered(3))] });
  });
});

describe('Table lockout store: continuation tokens', () => {
  /** A genuine token for `{ limit: 1 }` over flags 1–3, as its JSON, so a test can bend it. */
  async function issued() {
    const { lockouts } = await lockoutTable();
    await seed(lockouts, [1, 2, 3]);
    const { continuationToken } = await lockouts.list({ limit: 1 });
    const cursor = JSON.parse(Buffer.from(continuationToken!, 'base64url').toString('utf8')) as {
      v: number;
      after: string;
      q: string;
    };
    const encode = (json: unknown, pad = 0) =>
      Buffer.from(' '.repeat(pad) + JSON.stringify(json)).toString('base64url');
    return { lockouts, cursor, encode };
  }

  const notValid = {
    code: 'invalid_request',
    detail: 'continuationToken is not valid',
    options: { errors: [{ path: 'continuationToken', message: 'is not valid' }] },
  };

  it('continues after the user id it names, for the filters it was issued for', async () => {
    const { lockouts, cursor, encode } = await issued();
    expect(cursor).toMatchObject({ v: 1, after: idOf(1) });
    expect(Object.keys(cursor).sort()).toEqual(['after', 'q', 'v']);
    const page = await lockouts.list({ limit: 1, continuationToken: encode(cursor) });
    expect(page.lockouts.map((item) => item.userId)).toEqual([idOf(2)]);
    // Any object-id-like key will do as a position: the next flag after it.
    const between = await lockouts.list({ limit: 1, continuationToken: encode({ ...cursor, after: 'a' }) });
    expect(between.lockouts).toEqual([]);
    const one = await lockouts.list({ limit: 5, continuationToken: encode({ ...cursor, after: '0' }) });
    expect(one.lockouts.map((item) => item.userId)).toEqual([1, 2, 3].map(idOf));
  });

  it.each([
    ['another version', (cursor: object) => ({ ...cursor, v: 2 })],
    ['an unknown property', (cursor: object) => ({ ...cursor, extra: 1 })],
    ['no position', (cursor: object) => ({ ...cursor, after: '' })],
    ['a position with a quote inside', (cursor: object) => ({ ...cursor, after: "x'y" })],
    ['a position in upper case', (cursor: object) => ({ ...cursor, after: 'ABC' })],
    ['a position longer than 256 characters', (cursor: object) => ({ ...cursor, after: 'a'.repeat(257) })],
    ['other filters', (cursor: object) => ({ ...cursor, q: 'AAAAAAAAAAAAAAAA' })],
    ['not an object', () => [1]],
  ])('refuses a token with %s', async (_, bend) => {
    const { lockouts, cursor, encode } = await issued();
    await expect(lockouts.list({ limit: 1, continuationToken: encode(bend(cursor)) })).rejects.toMatchObject(
      notValid,
    );
  });

  it('refuses text that is not JSON', async () => {
    const { lockouts } = await issued();
    await expect(lockouts.list({ continuationToken: 'not-a-token' })).rejects.toMatchObject(notValid);
  });

  it('accepts a position of 256 characters and a token of 1024, and refuses a longer token', async () => {
    const { lockouts, cursor, encode } = await issued();
    const longest = encode({ ...cursor, after: 'z'.repeat(256) });
    await expect(lockouts.list({ limit: 1, continuationToken: longest })).resolves.toEqual({ lockouts: [] });
    // Blanks before the JSON keep it valid: pad it to an exact encoded length.
    const padTo = (length: number) => (length / 4) * 3 - JSON.stringify(cursor).length;
    const full = encode(cursor, padTo(1024));
    expect(full).toHaveLength(1024);
    await expect(lockouts.list({ limit: 1, continuationToken: full })).resolves.toMatchObject({
      lockouts: [expect.objectContaining({ userId: idOf(2) })],
    });
    const over = encode(cursor, padTo(1028));
    await expect(lockouts.list({ limit: 1, continuationToken: over })).rejects.toMatchObject(notValid);
  });
});

describe('Table lockout store: transaction size', () => {
  it('keeps every transaction within Table Storage limits: 100 operations and 4 MiB', async () => {
    const { table, lockouts } = await lockoutTable();
    // Each flag carries ~60 KB (two properties just under the 32 K-character limit each): 75 of
    // them are over 4 MiB together.
    const countedAttempts = Array.from(
      { length: 900 },
      (_, index) => `${'h'.repeat(20)}@${1764064800 + index}`,
    );
    const recentEvents = Array.from({ length: 90 }, (_, index) => ({
      id: `e${index}`,
      time: '2026-11-25T10:00:00.000Z',
      category: 'lockout' as const,
      errorCode: 50053,
      details: 'd'.repeat(250),
    }));
    const big = (n: number) => ({ ...lettered(n), countedAttempts, recentEvents });
    const ns = range(0, 75);
    const submit = vi.spyOn(table, 'submitTransaction');
    const results = await lockouts.putMany(ns.map((n) => ({ flag: big(n), etag: undefined })));
    expect(results).toEqual(ns.map((n) => asStored(big(n))));
    expect(submit.mock.calls.length).toBeGreaterThan(1);
    for (const [actions] of submit.mock.calls) {
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.length).toBeLessThanOrEqual(100);
      expect(Buffer.byteLength(JSON.stringify(actions))).toBeLessThanOrEqual(4 * 1024 * 1024);
    }
    expect((await rows(table)).size).toBe(75);
  });
});

describe('Table lockout store: rows it cannot read', () => {
  it.each([
    ['recent events that are not JSON', { recentEvents: '[{"id":' }],
    ['counted attempts that are not JSON', { countedAttempts: 'abc@1764064800' }],
  ])('refuses a stored flag with %s, saying so', async (_, change) => {
    const { table, lockouts } = await lockoutTable();
    await lockouts.put(lettered(1), undefined);
    for await (const { partitionKey, rowKey } of table.listEntities()) {
      await table.updateEntity({ partitionKey: partitionKey!, rowKey: rowKey!, ...change }, 'Merge');
    }
    await expect(lockouts.get(idOf(1))).rejects.toThrow('is not JSON');
  });
});

describe('Table lockout store: one request per page', () => {
  it('reads a page and whether another exists in one request of one row more than the page', async () => {
    const { table, lockouts } = await lockoutTable();
    await seed(lockouts, range(0, 7));
    const queries = recordRequests(table);
    const page = await lockouts.list({ limit: 3 });
    expect(page.lockouts.map((item) => item.userId)).toEqual(range(0, 3).map(idOf));
    expect(page.continuationToken).toEqual(expect.any(String));
    expect(queries).toHaveLength(1);
    expect(queries[0]!.searchParams.get('$top')).toBe('4');
  });
});

describe('Table lockout store: the stored row', () => {
  it('keys the row by the lower-cased user id and stores the flag fields, lists as JSON, and the UPN for look-up', async () => {
    const { table, lockouts } = await lockoutTable();
    const written = { ...lettered(5), userId: idOf(5).toUpperCase() };
    await lockouts.put(written, undefined);
    const stored: Record<string, unknown>[] = [];
    for await (const row of table.listEntities()) stored.push(row);
    expect(stored).toHaveLength(1);
    const omit = (value: object, keys: string[]) =>
      Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
    // The keys are the stored format: rows written by an earlier version must still be found.
    const fields = omit(stored[0]!, ['etag', 'timestamp']);
    const plain = omit(written, ['userId', 'recentEvents', 'countedAttempts']);
    expect(fields).toEqual({
      ...plain,
      partitionKey: 'lockout',
      rowKey: idOf(5),
      recentEvents: JSON.stringify(written.recentEvents),
      countedAttempts: JSON.stringify(written.countedAttempts),
      upnLower: 'user5@contoso.com',
    });
  });
});
