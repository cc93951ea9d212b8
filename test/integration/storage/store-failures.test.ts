import { describe, expect, it } from 'vitest';

import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { StorageConflictError } from '../../../src/lib/storage/storage-errors';
import { createTableSuspensionStore } from '../../../src/lib/storage/suspensions';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { deadStorage, NO_CREDENTIAL } from './azurite-fixture';
import { lockoutFlag } from './lockout-flag';

// A store that is down is not "no row" and not "lost a race": the failure reaches the caller,
// which answers 503 or retries on the next run.

const USER = '66b022fa-5f4b-45ff-86f2-1ae4037c6f3d';

async function deadTable(name: string) {
  const client = createTableClient(await deadStorage(), NO_CREDENTIAL, name, {
    retryOptions: { maxRetries: 0 },
  });
  return () => Promise.resolve(client);
}

describe('stores on an unreachable Table Storage', () => {
  it('suspensions: a read and an update fail, and neither is taken for a missing row or a conflict', async () => {
    const store = createTableSuspensionStore({ table: await deadTable('Suspensions') });
    await expect(store.get(USER)).rejects.toThrow();
    const update = store.update({
      userId: USER,
      userPrincipalName: 'adelev@contoso.onmicrosoft.com',
      previousState: 'enabled',
      suspendedAt: '2026-06-01T12:00:00.000Z',
      endsAt: '2026-06-01T12:30:00.000Z',
      ticket: 'INC1',
      correlationId: 'c1',
      status: 'active',
      restoreAttempts: 0,
      etag: 'W/"datetime\'2026-06-01T12%3A00%3A00Z\'"',
    });
    await expect(update).rejects.toThrow();
    await expect(update).rejects.not.toBeInstanceOf(StorageConflictError);
  });

  it('lockouts: a read and a write fail, and neither is taken for a missing flag or a lost race', async () => {
    const store = createTableLockoutStore({ table: await deadTable('Lockouts') });
    await expect(store.get(USER)).rejects.toThrow();
    await expect(store.put(lockoutFlag(1, { userId: USER }), undefined)).rejects.toThrow();
  });
});
