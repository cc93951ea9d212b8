import { describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';

import { StorageConflictError } from '../../../src/lib/storage/storage-errors';
import { createTableSuspensionStore, type NewSuspension } from '../../../src/lib/storage/suspensions';
import { useAzurite } from './azurite-fixture';

const fixture = useAzurite();

const MINUTE = 60_000;
const T0 = new Date('2025-06-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE).toISOString();
const userId = (n: number) => `3f1c2d4e-0000-4000-8000-${String(n).padStart(12, '0')}`;

const suspension = (overrides: Partial<NewSuspension> = {}): NewSuspension => ({
  userId: userId(1),
  userPrincipalName: 'ada@contoso.example',
  previousState: 'enforced',
  suspendedAt: at(0),
  endsAt: at(60),
  ticket: 'INC0012345',
  correlationId: 'corr-1',
  status: 'active',
  restoreAttempts: 0,
  ...overrides,
});

const setup = () => fixture.freshStore(createTableSuspensionStore);

describe('suspension store', () => {
  it('creates a suspension and reads it back, the user id lower-cased', async () => {
    const store = await setup();
    const created = await store.create(suspension({ userId: userId(1).toUpperCase() }));
    const { etag, ...fields } = created;
    expect(fields).toEqual(suspension());
    expect(etag).toMatch(/\S/);
    await expect(store.get(userId(1))).resolves.toEqual(created);
    await expect(store.get(userId(1).toUpperCase())).resolves.toEqual(created);
    await expect(store.get(userId(2))).resolves.toBeUndefined();
  });

  it('refuses to create over an active suspension, keeping the original previous state', async () => {
    const store = await setup();
    await store.create(suspension());
    await expect(store.create(suspension({ previousState: 'disabled' }))).rejects.toBeInstanceOf(
      StorageConflictError,
    );
    await expect(store.get(userId(1))).resolves.toMatchObject({ previousState: 'enforced' });
  });

  it('updates with the current ETag and refuses a stale one', async () => {
    const store = await setup();
    const created = await store.create(suspension());
    const failed = await store.update({ ...created, restoreAttempts: 1, lastError: 'graph_unavailable' });
    expect(failed).toMatchObject({ restoreAttempts: 1, lastError: 'graph_unavailable' });
    expect(failed.etag).not.toBe(created.etag);
    await expect(store.update({ ...created, status: 'restored', restoredAt: at(61) })).rejects.toBeInstanceOf(
      StorageConflictError,
    );
    const restored = await store.update({
      ...failed,
      status: 'restored',
      restoredAt: at(62),
      restoreAttempts: 2,
      lastError: undefined,
    });
    expect(restored).not.toHaveProperty('lastError');
    await expect(store.get(userId(1))).resolves.toEqual(restored);
  });

  it('lets one of two concurrent updates win', async () => {
    const store = await setup();
    const created = await store.create(suspension());
    const results = await Promise.allSettled([
      store.update({ ...created, endsAt: at(90) }),
      store.update({ ...created, endsAt: at(120) }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((result) => result.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(StorageConflictError);
  });

  it('treats updating a suspension that does not exist as a conflict', async () => {
    const store = await setup();
    const created = await store.create(suspension());
    await expect(store.update({ ...created, userId: userId(9) })).rejects.toBeInstanceOf(
      StorageConflictError,
    );
  });

  it('replaces a restored suspension with a new one, and only one of two racing creates wins', async () => {
    const store = await setup();
    const first = await store.create(suspension());
    await store.update({ ...first, status: 'restored', restoredAt: at(60), restoreAttempts: 1 });
    const results = await Promise.allSettled([
      store.create(
        suspension({ suspendedAt: at(600), endsAt: at(630), previousState: 'enabled', ticket: 'INC-2' }),
      ),
      store.create(
        suspension({ suspendedAt: at(600), endsAt: at(640), previousState: 'enabled', ticket: 'INC-3' }),
      ),
    ]);
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')?.reason).toBeInstanceOf(
      StorageConflictError,
    );
    const current = await store.get(userId(1));
    expect(current).toEqual(won[0]!.value);
    expect(current).toMatchObject({ status: 'active', previousState: 'enabled', restoreAttempts: 0 });
    expect(current).not.toHaveProperty('restoredAt');
  });

  it('lists every active suspension due at or before now, most overdue first', async () => {
    const store = await setup();
    await store.create(suspension({ userId: userId(1), endsAt: at(30) }));
    await store.create(suspension({ userId: userId(2), endsAt: at(10) }));
    await store.create(suspension({ userId: userId(3), endsAt: at(60) })); // due exactly now
    await store.create(suspension({ userId: userId(4), endsAt: at(61) })); // not yet
    await store.create(
      suspension({ userId: userId(5), endsAt: at(5), status: 'restored', restoredAt: at(5) }),
    );
    const due = await store.listDue(new Date(at(60)));
    expect(due.map((item) => item.userId)).toEqual([userId(2), userId(1), userId(3)]);
    await expect(store.listDue(new Date(at(0)))).resolves.toEqual([]);
  });

  it('compares end times as instants, whatever offset they were given in', async () => {
    const store = await setup();
    await store.create(suspension({ endsAt: '2025-06-02T11:00:00+02:00' })); // 09:00Z
    const due = await store.listDue(new Date('2025-06-02T09:00:00.000Z'));
    expect(due.map((item) => item.endsAt)).toEqual(['2025-06-02T09:00:00.000Z']);
  });

  it('returns every due suspension when there are more than one page of them', async () => {
    const store = await setup();
    const total = 1030; // Table Storage returns at most 1,000 entities per page
    for (let start = 0; start < total; start += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, total - start) }, (_, index) =>
          store.create(
            suspension({ userId: userId(start + index + 1), endsAt: at(-((start + index) % 50)) }),
          ),
        ),
      );
    }
    const due = await store.listDue(new Date(at(0)));
    expect(due).toHaveLength(total);
    expect(new Set(due.map((item) => item.userId)).size).toBe(total);
    expect(due.map((item) => item.endsAt)).toEqual([...due.map((item) => item.endsAt)].sort());
  });

  it('rejects a user id that cannot be a table key', async () => {
    const store = await setup();
    await expect(store.create(suspension({ userId: 'a/b' }))).rejects.toThrow(/table key/);
  });
});

/** What the table SDK throws for a row that is not there. */
const notFound = () => Object.assign(new Error('ResourceNotFound'), { name: 'RestError', statusCode: 404 });

describe('suspension store: keys and bounds', () => {
  it.each([
    ['a slash', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a hash', 'a#b'],
    ['a question mark', 'a?b'],
    ['a control character', 'a\u0001b'],
    ['a unit separator', 'a\u001fb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control character', 'a\u0080b'],
    ['the last C1 control character', 'a\u009fb'],
    ['nothing', ''],
    ['more than 256 characters', 'a'.repeat(257)],
  ])('refuses a user id with %s, before writing', async (_, id) => {
    const store = await setup();
    // Refused by the store's own check (a ZodError), not by Table Storage afterwards.
    await expect(store.create(suspension({ userId: id }))).rejects.toBeInstanceOf(ZodError);
    await expect(store.listDue(new Date(at(120)))).resolves.toEqual([]);
  });

  it.each([
    ['a space', 'a b'],
    ['a no-break space', 'a\u00a0b'],
    ['letters beyond ASCII', 'ünïcødé'],
    ['256 characters', 'a'.repeat(256)],
  ])('accepts a user id with %s', async (_, id) => {
    const store = await setup();
    const created = await store.create(suspension({ userId: id }));
    await expect(store.get(id)).resolves.toEqual(created);
  });

  it('keeps at most 2000 characters of the last error, and no restore time while active', async () => {
    const store = await setup();
    const created = await store.create(suspension());
    expect(created).not.toHaveProperty('restoredAt');
    expect(created).not.toHaveProperty('lastError');
    const failed = await store.update({ ...created, restoreAttempts: 1, lastError: 'e'.repeat(5000) });
    expect(failed.lastError).toBe(`${'e'.repeat(1999)}…`);
    await expect(store.get(userId(1))).resolves.toEqual(failed);
  });
});

describe('suspension store: conflicts say what happened', () => {
  it('names the table and the user when a suspension is already active', async () => {
    const store = await setup();
    await store.create(suspension());
    await expect(store.create(suspension())).rejects.toThrow(
      `Suspensions: suspension for ${userId(1)} is already active`,
    );
  });

  it('names the lower-cased user of an update that lost its race', async () => {
    const store = await setup();
    const created = await store.create(suspension());
    await store.update({ ...created, restoreAttempts: 1 });
    const stale = store.update({ ...created, userId: userId(1).toUpperCase(), restoreAttempts: 2 });
    await expect(stale).rejects.toThrow(`Suspensions: suspension for ${userId(1)} changed meanwhile`);
    await expect(stale).rejects.toMatchObject({ table: 'Suspensions', cause: { statusCode: 412 } });
  });

  it('is a conflict when the row that refused an insert is gone before it can be read', async () => {
    const table = await fixture.freshTable();
    const store = createTableSuspensionStore({ table: () => Promise.resolve(table) });
    await store.create(suspension());
    // Another instance deletes the row between our refused insert and our read.
    vi.spyOn(table, 'getEntity').mockRejectedValueOnce(notFound());
    const error = await store.create(suspension()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageConflictError);
    expect(error).toMatchObject({
      message: `Suspensions: suspension for ${userId(1)} was removed while being created`,
    });
  });
});

describe('suspension store: the stored row', () => {
  it('keys the row by the lower-cased user id in the suspension partition, times in one ISO form', async () => {
    const table = await fixture.freshTable();
    const store = createTableSuspensionStore({ table: () => Promise.resolve(table) });
    await store.create(suspension({ userId: userId(7).toUpperCase(), endsAt: '2025-06-02T11:00:00+02:00' }));
    const stored: Record<string, unknown>[] = [];
    for await (const row of table.listEntities()) stored.push(row);
    // The keys are the stored format: rows written by an earlier version must still be found.
    expect(stored).toEqual([
      {
        ...suspension({ userId: userId(7), endsAt: '2025-06-02T09:00:00.000Z' }),
        partitionKey: 'suspension',
        rowKey: userId(7),
        etag: expect.any(String) as unknown,
        timestamp: expect.any(String) as unknown,
      },
    ]);
  });
});
