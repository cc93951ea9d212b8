import { describe, expect, it } from 'vitest';

import { createTableIdempotencyStore } from '../../../src/lib/storage/idempotency-store';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { deadStorage, NO_CREDENTIAL, useAzurite } from './azurite-fixture';

const fixture = useAzurite();

const SCOPE = 'servicenow-prod|POST|/users/{user}/mfa/reset|3f1c2d4e-0000-4000-8000-00000000000a';
const KEY = 'c7d2e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f';

describe('idempotency store: limits and failures', () => {
  it('works on its defaults (clock, retention, deadline): start, complete, replay', async () => {
    const table = await fixture.freshTable();
    const store = createTableIdempotencyStore({ table: () => Promise.resolve(table) });
    const begun = await store.begin(SCOPE, KEY, 'fp');
    if (begun.kind !== 'started') throw new Error(`expected started, got ${begun.kind}`);
    await store.complete(begun.record, { status: 200, body: { outcome: 'complete' } });
    await expect(store.begin(SCOPE, KEY, 'fp')).resolves.toEqual({
      kind: 'replay',
      status: 200,
      body: { outcome: 'complete' },
      headers: {},
    });
  });

  it('refuses to keep a response too large for one table property, and leaves the key in progress', async () => {
    const table = await fixture.freshTable();
    const store = createTableIdempotencyStore({ table: () => Promise.resolve(table) });
    const begun = await store.begin(SCOPE, KEY, 'fp');
    if (begun.kind !== 'started') throw new Error(`expected started, got ${begun.kind}`);
    await expect(
      store.complete(begun.record, { status: 200, body: { note: 'x'.repeat(30_000) } }),
    ).rejects.toThrow(RangeError);
    await expect(store.begin(SCOPE, KEY, 'fp')).resolves.toEqual({ kind: 'in_progress' });
  });

  it('passes a store failure on from begin, complete and release instead of guessing', async () => {
    const dead = createTableClient(await deadStorage(), NO_CREDENTIAL, 'Idempotency', {
      retryOptions: { maxRetries: 0 },
    });
    const store = createTableIdempotencyStore({ table: () => Promise.resolve(dead), timeoutMs: 2000 });
    await expect(store.begin(SCOPE, KEY, 'fp')).rejects.toThrow();
    const record = {
      scope: SCOPE,
      key: KEY,
      fingerprint: 'fp',
      state: 'processing' as const,
      startedAt: new Date().toISOString(),
      etag: 'W/"datetime\'2026-06-01T12%3A00%3A00Z\'"',
    };
    await expect(store.complete(record, { status: 200, body: {} })).rejects.toThrow();
    await expect(store.release(record)).rejects.toThrow();
  });
});
