import { describe, expect, it } from 'vitest';

import { createTableScanStateStore } from '../../../src/lib/storage/scan-state';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { deadStorage, NO_CREDENTIAL, useAzurite } from './azurite-fixture';

const fixture = useAzurite();

const setup = () => fixture.freshStore(createTableScanStateStore);

describe('scan state store', () => {
  it('reads "ok" with no watermark and no ETag before the first run', async () => {
    const store = await setup();
    await expect(store.read()).resolves.toEqual({ condition: 'ok' });
  });

  it('creates the row once, then replaces it only with the ETag it read', async () => {
    const store = await setup();
    const first = {
      condition: 'ok' as const,
      watermark: '2026-06-01T11:58:00.000Z',
      lastOutcome: 'complete' as const,
    };
    await expect(store.write(first, undefined)).resolves.toBe(true);
    // A second first run (another instance) loses: the row exists.
    await expect(store.write({ ...first, watermark: '2026-06-01T12:03:00.000Z' }, undefined)).resolves.toBe(
      false,
    );
    const read = await store.read();
    expect(read).toMatchObject(first);
    const next = { ...first, watermark: '2026-06-01T12:03:00.000Z', lastRunAt: '2026-06-01T12:05:00.000Z' };
    await expect(store.write(next, read.etag)).resolves.toBe(true);
    // The ETag read before that write is stale now: an overlapping run cannot move the watermark.
    await expect(store.write({ ...first, watermark: '2026-06-01T13:00:00.000Z' }, read.etag)).resolves.toBe(
      false,
    );
    await expect(store.read()).resolves.toMatchObject(next);
  });

  it('keeps at most 1000 characters of the last error, and leaves out what is unset', async () => {
    const store = await setup();
    await store.write({ condition: 'gap', lastOutcome: 'failed', lastError: 'e'.repeat(5000) }, undefined);
    const read = await store.read();
    expect(read.lastError).toHaveLength(1000);
    expect(read).not.toHaveProperty('watermark');
    expect(read).toMatchObject({ condition: 'gap', lastOutcome: 'failed' });
  });

  it('passes a store failure on from read and write', async () => {
    const dead = createTableClient(await deadStorage(), NO_CREDENTIAL, 'ScanState', {
      retryOptions: { maxRetries: 0 },
    });
    const store = createTableScanStateStore({ table: () => Promise.resolve(dead) });
    await expect(store.read()).rejects.toThrow();
    await expect(store.write({ condition: 'ok' }, undefined)).rejects.toThrow();
  });
});

describe('scan state store: every field, and rows it did not write', () => {
  it('reads back every field it wrote, with the ETag of the write', async () => {
    const table = await fixture.freshTable();
    const store = createTableScanStateStore({ table: () => Promise.resolve(table) });
    const state = {
      watermark: '2026-06-01T11:58:00.000Z',
      lastRunAt: '2026-06-01T12:00:00.000Z',
      lastOutcome: 'incomplete' as const,
      condition: 'unlicensed' as const,
      conditionSince: '2026-06-01T10:00:00.000Z',
      lastError: 'Graph answered 403',
    };
    await store.write(state, undefined);
    const read = await store.read();
    let etag: string | undefined;
    for await (const row of table.listEntities()) etag = row.etag;
    expect(read).toEqual({ ...state, etag });
  });

  it('cuts the last error at 1000 characters, the last an ellipsis', async () => {
    const store = await setup();
    await store.write({ condition: 'ok', lastError: 'e'.repeat(1001) }, undefined);
    expect((await store.read()).lastError).toBe(`${'e'.repeat(999)}…`);
  });

  it('reads a condition it does not know as ok', async () => {
    const table = await fixture.freshTable();
    const store = createTableScanStateStore({ table: () => Promise.resolve(table) });
    await store.write({ condition: 'gap' }, undefined);
    for await (const { partitionKey, rowKey } of table.listEntities()) {
      await table.updateEntity(
        { partitionKey: partitionKey!, rowKey: rowKey!, condition: 'paused' },
        'Merge',
      );
    }
    await expect(store.read()).resolves.toMatchObject({ condition: 'ok' });
  });

  it('does not write over a row that was deleted since it was read', async () => {
    const table = await fixture.freshTable();
    const store = createTableScanStateStore({ table: () => Promise.resolve(table) });
    await store.write({ condition: 'ok' }, undefined);
    const { etag } = await store.read();
    for await (const { partitionKey, rowKey } of table.listEntities()) {
      await table.deleteEntity(partitionKey!, rowKey!);
    }
    await expect(store.write({ condition: 'ok', watermark: '2026-06-01T12:00:00.000Z' }, etag)).resolves.toBe(
      false,
    );
    await expect(store.read()).resolves.toEqual({ condition: 'ok' });
  });
});

describe('scan state store: unset fields', () => {
  it('leaves out a field set to undefined, the last error included', async () => {
    const store = await setup();
    await store.write({ condition: 'ok', watermark: undefined, lastError: undefined }, undefined);
    const read = await store.read();
    expect(read).not.toHaveProperty('lastError');
    expect(read).not.toHaveProperty('watermark');
    expect(read).toEqual({ condition: 'ok', etag: read.etag });
  });
});

describe('scan state store: the stored row', () => {
  it('is one row, detection/signIns, whatever is written', async () => {
    const table = await fixture.freshTable();
    const store = createTableScanStateStore({ table: () => Promise.resolve(table) });
    await store.write({ condition: 'gap', watermark: '2026-06-01T11:58:00.000Z' }, undefined);
    const { etag } = await store.read();
    await store.write({ condition: 'ok' }, etag);
    const keys: [string | undefined, string | undefined][] = [];
    for await (const row of table.listEntities()) keys.push([row.partitionKey, row.rowKey]);
    // The keys are the stored format: the row written by an earlier version must still be found.
    expect(keys).toEqual([['detection', 'signIns']]);
  });
});
