import type { TableClient } from '@azure/data-tables';
import { describe, expect, it, vi } from 'vitest';

import type { LockoutFlag, StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import type { FlagWrite, LockoutStore } from '../../../src/lib/detection/repositories';
import { AppError } from '../../../src/lib/http/problem';
import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { createTableScanStateStore } from '../../../src/lib/storage/scan-state';
import { useAzurite } from './azurite-fixture';

const storage = useAzurite();

function flag(n: number, overrides: Partial<LockoutFlag> = {}): LockoutFlag {
  const id = `0000000${n}`.slice(-8);
  return {
    userId: `${id}-0000-4000-8000-000000000000`,
    userPrincipalName: `User${n}@Contoso.com`,
    category: 'lockout',
    status: 'open',
    protected: false,
    lockoutAttempts: 3,
    attackAttempts: 0,
    firstFailureAt: '2026-11-25T10:00:00.000Z',
    lastFailureAt: `2026-11-25T10:${String(n).padStart(2, '0')}:00.000Z`,
    recentEvents: [
      { id: `e${n}`, time: '2026-11-25T10:00:00.000Z', category: 'lockout', errorCode: 500121, details: 'x' },
    ],
    countedAttempts: ['abc@1764064800'],
    openedAt: '2026-11-25T11:00:00.000Z',
    updatedAt: '2026-11-25T11:00:00.000Z',
    openEventId: 'b2c1f4a0-0000-5000-a000-000000000000',
    reopenCount: 0,
    ...overrides,
  };
}

async function store() {
  const table = await storage.freshTable();
  return createTableLockoutStore({ table: () => Promise.resolve(table) });
}

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

      const found = await lockouts.getMany(ids);

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

    const results = await lockouts.putMany(writes);

    expect(submit).toHaveBeenCalledTimes(1);
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
