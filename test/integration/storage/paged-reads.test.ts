import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { actionDeadline, withDeadline } from '../../../src/lib/deadline';
import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { createTableSuspensionStore } from '../../../src/lib/storage/suspensions';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { type PausableProxy, startPausableProxy } from '../../support/pausable-proxy';
import { NO_CREDENTIAL, useAzurite } from './azurite-fixture';
import { lockoutFlag } from './lockout-flag';

// Reads that list rows (a range of lockout flags, a flag by UPN, the due suspensions) take the
// storage deadline like every other storage call, and take it afresh for each page they read.

const fixture = useAzurite();
let proxy: PausableProxy;

beforeAll(async () => {
  const endpoint = new URL(fixture.azurite.endpoints.Table);
  proxy = await startPausableProxy({ host: endpoint.hostname, port: Number(endpoint.port) });
});

afterAll(async () => {
  await proxy.close();
});

/** The same table reached through the proxy, so the test can make it stop answering. */
function throughProxy(table: TableClient): TableClient {
  const connectionString = fixture.azurite.connectionString.replace(
    fixture.azurite.endpoints.Table,
    `http://127.0.0.1:${proxy.port}`,
  );
  return createTableClient({ connectionString }, NO_CREDENTIAL, table.tableName, {
    retryOptions: { maxRetries: 0 },
  });
}

const userId = (n: number) => lockoutFlag(n).userId;

const seq = (count: number) => Array.from({ length: count }, (_, n) => n);

/** A recovery action with a short answer deadline: the paused store is cut off at it. */
const withinAction = <T>(work: () => Promise<T>) => withDeadline(actionDeadline(1_000), work);

// The paused store never answers: without a deadline these promises never settle and the test
// times out, so settling (rejected) is the proof; how long it takes is not asserted.
describe('paged reads on a store that accepts connections but never answers', () => {
  it('lockouts: a read of many users (RowKey ranges) and a read by UPN give up at the deadline', async () => {
    const direct = await fixture.freshTable();
    await createTableLockoutStore({ table: () => Promise.resolve(direct) }).putMany(
      seq(150).map((n) => ({ flag: lockoutFlag(n), etag: undefined })),
    );
    const lockouts = createTableLockoutStore({ table: () => Promise.resolve(throughProxy(direct)) });
    const ids = seq(150).map(userId);
    expect((await lockouts.getMany(ids)).size).toBe(150); // the proxy relays while not paused

    proxy.pause();
    try {
      await expect(withinAction(() => lockouts.getMany(ids))).rejects.toThrow();
      await expect(withinAction(() => lockouts.findByUpn('user7@contoso.com'))).rejects.toThrow();
    } finally {
      proxy.resume();
    }
  });

  it('suspensions: the due list gives up at the deadline', async () => {
    const direct = await fixture.freshTable();
    const suspensions = createTableSuspensionStore({ table: () => Promise.resolve(throughProxy(direct)) });
    await expect(suspensions.listDue(new Date('2026-11-25T12:00:00.000Z'))).resolves.toEqual([]);

    proxy.pause();
    try {
      await expect(
        withinAction(() => suspensions.listDue(new Date('2026-11-25T12:00:00.000Z'))),
      ).rejects.toThrow();
    } finally {
      proxy.resume();
    }
  });
});

describe('paged reads, page by page', () => {
  // Table Storage answers a query with at most 1,000 rows and a continuation token for the rest
  // (https://learn.microsoft.com/en-us/rest/api/storageservices/query-timeout-and-pagination).
  it('reads a RowKey range wider than a page in two requests, each with its own deadline', async () => {
    const table = await fixture.freshTable();
    const lockouts = createTableLockoutStore({ table: () => Promise.resolve(table) });
    await lockouts.putMany(seq(1_100).map((n) => ({ flag: lockoutFlag(n), etag: undefined })));
    // 100 ids, the first 99 and the last: one range over all 1,100 rows.
    const ids = [...seq(99), 1_099].map(userId);

    const listEntities = vi.spyOn(table, 'listEntities');
    const found = await lockouts.getMany(ids);

    expect([...found.keys()].sort()).toEqual(ids);
    const signals = listEntities.mock.calls.map(([options]) => options?.abortSignal);
    expect(signals).toHaveLength(2);
    for (const signal of signals) expect(signal).toBeInstanceOf(AbortSignal);
    expect(signals[1]).not.toBe(signals[0]);
  });
});
