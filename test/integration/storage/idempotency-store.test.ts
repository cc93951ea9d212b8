import type { TableClient } from '@azure/data-tables';
import { describe, expect, it, vi } from 'vitest';

import { createTableIdempotencyStore } from '../../../src/lib/storage/idempotency-store';
import { SecretLeakError } from '../../../src/lib/storage/secret-guard';
import { StorageConflictError } from '../../../src/lib/storage/storage-errors';
import { manualClock, useAzurite } from './azurite-fixture';

const fixture = useAzurite();

/** A realistic scope: slashes, braces and a pipe, none of which may appear in a table key. */
const SCOPE = 'servicenow-prod|POST|/users/{user}/tap|3f1c2d4e-0000-4000-8000-00000000000a';
const KEY = 'b0c1e6d2-5a7f-4c1e-9d3b-2f8e4a6c0d11';
const SECOND = 1000;
const HOUR = 3600 * SECOND;

async function setup() {
  const table = await fixture.freshTable();
  const clock = manualClock();
  const store = createTableIdempotencyStore({ table: () => Promise.resolve(table), now: clock.now });
  return { table, clock, store };
}

async function count(table: TableClient) {
  const rows = [];
  for await (const row of table.listEntities()) rows.push(row);
  return rows.length;
}

async function started(store: ReturnType<typeof createTableIdempotencyStore>, fingerprint = 'fp-1') {
  const result = await store.begin(SCOPE, KEY, fingerprint);
  if (result.kind !== 'started') throw new Error(`expected started, got ${result.kind}`);
  return result.record;
}

describe('idempotency store', () => {
  it('starts a new key, then replays the stored response to a retry', async () => {
    const { store, clock } = await setup();
    const record = await started(store);
    const { etag, ...fields } = record;
    expect(fields).toEqual({
      scope: SCOPE,
      key: KEY,
      fingerprint: 'fp-1',
      state: 'processing',
      startedAt: clock.now().toISOString(),
    });
    expect(etag).toMatch(/\S/);
    const body = { id: 'tap-1', temporaryAccessPass: null, passDisclosed: true, lifetimeInMinutes: 60 };
    await store.complete(record, { status: 201, body, headers: { location: '/users/x/tap/tap-1' } });
    clock.advance(5 * SECOND);
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({
      kind: 'replay',
      status: 201,
      body,
      headers: { location: '/users/x/tap/tap-1' },
    });
  });

  it('replays an error response too, with empty headers when none were stored', async () => {
    const { store } = await setup();
    const record = await started(store);
    await store.complete(record, { status: 503, body: { code: 'graph_unavailable' } });
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({
      kind: 'replay',
      status: 503,
      body: { code: 'graph_unavailable' },
      headers: {},
    });
  });

  it('answers mismatch for the same key with another fingerprint, in progress or completed', async () => {
    const { store } = await setup();
    const record = await started(store);
    await expect(store.begin(SCOPE, KEY, 'fp-2')).resolves.toEqual({ kind: 'mismatch' });
    await store.complete(record, { status: 200, body: {} });
    await expect(store.begin(SCOPE, KEY, 'fp-2')).resolves.toEqual({ kind: 'mismatch' });
  });

  it('answers in_progress while the first request is still running', async () => {
    const { store, clock } = await setup();
    await started(store);
    clock.advance(229 * SECOND);
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({ kind: 'in_progress' });
  });

  it('keeps keys of different scopes apart', async () => {
    const { store } = await setup();
    await started(store);
    const other = await store.begin(SCOPE.replace('servicenow-prod', 'jira-prod'), KEY, 'fp-2');
    expect(other.kind).toBe('started');
    const odd = await store.begin('a/b\\c#d?e\u0001|{x}', 'k#/?\\', 'fp');
    expect(odd.kind).toBe('started');
  });

  it('lets exactly one of 12 concurrent begins start; the others see in_progress', async () => {
    const { store, table } = await setup();
    const results = await Promise.all(Array.from({ length: 12 }, () => store.begin(SCOPE, KEY, 'fp-1')));
    expect(results.filter((result) => result.kind === 'started')).toHaveLength(1);
    expect(results.filter((result) => result.kind === 'in_progress')).toHaveLength(11);
    expect(await count(table)).toBe(1);
  });

  it('lets a retry take over a processing record older than 230 s, exactly once, and locks out the old owner', async () => {
    const { store, clock } = await setup();
    const abandoned = await started(store);
    clock.advance(230 * SECOND);
    const retries = await Promise.all(Array.from({ length: 10 }, () => store.begin(SCOPE, KEY, 'fp-1')));
    const takers = retries.filter((result) => result.kind === 'started');
    expect(takers).toHaveLength(1);
    expect(retries.filter((result) => result.kind === 'in_progress')).toHaveLength(9);
    const taker = takers[0]!.kind === 'started' ? takers[0]!.record : undefined;
    expect(taker?.startedAt).toBe(clock.now().toISOString());
    expect(taker?.etag).not.toBe(abandoned.etag);

    await expect(store.complete(abandoned, { status: 200, body: { late: true } })).rejects.toBeInstanceOf(
      StorageConflictError,
    );
    await store.complete(taker!, { status: 200, body: { taker: true } });
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toMatchObject({
      kind: 'replay',
      body: { taker: true },
    });
  });

  it('counts a completed record older than 24 h as absent, even for another fingerprint', async () => {
    const { store, clock } = await setup();
    const record = await started(store);
    await store.complete(record, { status: 200, body: { first: true } });
    clock.advance(24 * HOUR - SECOND);
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toMatchObject({ kind: 'replay' });
    await expect(store.begin(SCOPE, KEY, 'fp-2')).resolves.toEqual({ kind: 'mismatch' });
    clock.advance(SECOND);
    const again = await store.begin(SCOPE, KEY, 'fp-2');
    expect(again).toMatchObject({ kind: 'started', record: { fingerprint: 'fp-2', state: 'processing' } });
    await expect(store.begin(SCOPE, KEY, 'fp-2')).resolves.toEqual({ kind: 'in_progress' });
  });

  it('forgets a released record, so a retry runs again', async () => {
    const { store, table } = await setup();
    const record = await started(store);
    await store.release(record);
    expect(await count(table)).toBe(0);
    await expect(store.begin(SCOPE, KEY, 'fp-2')).resolves.toMatchObject({ kind: 'started' });
  });

  it('does not release a record someone else has taken over', async () => {
    const { store, clock, table } = await setup();
    const abandoned = await started(store);
    clock.advance(231 * SECOND);
    await started(store);
    await store.release(abandoned);
    expect(await count(table)).toBe(1);
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({ kind: 'in_progress' });
  });

  it('refuses to store a response that still carries a Temporary Access Pass (threat model: TAP leakage)', async () => {
    const { store, table } = await setup();
    const record = await started(store);
    await expect(
      store.complete(record, { status: 201, body: { id: 'tap-1', temporaryAccessPass: 'Xk7#pQ2!' } }),
    ).rejects.toBeInstanceOf(SecretLeakError);
    for await (const row of table.listEntities()) {
      expect(JSON.stringify(row)).not.toContain('Xk7#pQ2!');
      expect(row.state).toBe('processing');
    }
  });
});

/** What the table SDK throws for a given status. */
const restError = (statusCode: number) =>
  Object.assign(new Error(`status ${statusCode}`), { name: 'RestError', statusCode });

describe('idempotency store: races and bounds', () => {
  it('looks again when the row that refused its insert is gone before it can be read', async () => {
    const { store, table } = await setup();
    await started(store);
    const getEntity = vi.spyOn(table, 'getEntity').mockRejectedValueOnce(restError(404));
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({ kind: 'in_progress' });
    expect(getEntity).toHaveBeenCalledTimes(2);
  });

  it('passes on a read failure that is not a missing row', async () => {
    const { store, table } = await setup();
    await started(store);
    vi.spyOn(table, 'getEntity').mockRejectedValueOnce(restError(503));
    await expect(store.begin(SCOPE, KEY, 'fp-1')).rejects.toMatchObject({ statusCode: 503 });
  });

  it('gives up after a few lost races and answers in_progress', async () => {
    const { store, table } = await setup();
    await started(store);
    // Every read finds the row gone, every insert finds it there: a race that never settles.
    vi.spyOn(table, 'getEntity').mockRejectedValue(restError(404));
    const createEntity = vi.spyOn(table, 'createEntity');
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({ kind: 'in_progress' });
    expect(createEntity).toHaveBeenCalledTimes(5);
  });

  it('looks again when an abandoned row vanishes during its takeover, and starts', async () => {
    const { store, table, clock } = await setup();
    await started(store);
    clock.advance(231 * SECOND);
    vi.spyOn(table, 'updateEntity').mockRejectedValueOnce(restError(404));
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toMatchObject({
      kind: 'started',
      record: { startedAt: clock.now().toISOString() },
    });
  });

  it('passes on a takeover failure that is not a lost race', async () => {
    const { store, table, clock } = await setup();
    await started(store);
    clock.advance(231 * SECOND);
    vi.spyOn(table, 'updateEntity').mockRejectedValueOnce(restError(500));
    await expect(store.begin(SCOPE, KEY, 'fp-1')).rejects.toMatchObject({ statusCode: 500 });
  });

  it('refuses to complete a released record, as a conflict', async () => {
    const { store } = await setup();
    const record = await started(store);
    await store.release(record);
    const error = await store.complete(record, { status: 200, body: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageConflictError);
    expect(error).toMatchObject({
      message: 'Idempotency: the record was taken over or removed before completion',
    });
  });

  it('releases a record that is already gone without complaint', async () => {
    const { store, table } = await setup();
    const record = await started(store);
    await store.release(record);
    await expect(store.release(record)).resolves.toBeUndefined();
    expect(await count(table)).toBe(0);
  });

  it('keeps a body of 30,000 characters of JSON and refuses one more', async () => {
    const { store } = await setup();
    const record = await started(store);
    const over = 'x'.repeat(29_999); // JSON text: 30,001 characters with its quotes
    await expect(store.complete(record, { status: 200, body: over })).rejects.toThrow(
      'Idempotent response body is 30001 characters; the limit is 30000.',
    );
    const fits = 'x'.repeat(29_998);
    await store.complete(record, { status: 200, body: fits });
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toMatchObject({ kind: 'replay', body: fits });
  });

  it('replays a response without a body as null', async () => {
    const { store } = await setup();
    const record = await started(store);
    await store.complete(record, { status: 204, body: undefined });
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({
      kind: 'replay',
      status: 204,
      body: null,
      headers: {},
    });
  });

  it('refuses a pass in the stored headers too', async () => {
    const { store } = await setup();
    const record = await started(store);
    await expect(
      store.complete(record, { status: 201, body: {}, headers: { 'x-debug': 'temporaryAccessPass=Xk7' } }),
    ).rejects.toThrow('$.headers.x-debug');
  });

  it('replays a completed row that holds no response as a 500 without body or headers', async () => {
    const { store, table } = await setup();
    await started(store);
    // A row completed by hand (an operator, an older version): state only, no stored response.
    for await (const { partitionKey, rowKey } of table.listEntities()) {
      await table.updateEntity({ partitionKey: partitionKey!, rowKey: rowKey!, state: 'completed' }, 'Merge');
    }
    await expect(store.begin(SCOPE, KEY, 'fp-1')).resolves.toEqual({
      kind: 'replay',
      status: 500,
      body: null,
      headers: {},
    });
  });
});
