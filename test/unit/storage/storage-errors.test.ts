import { describe, expect, it } from 'vitest';

import { requireEtag, StorageConflictError, storageStatus } from '../../../src/lib/storage/storage-errors';

/** What the storage SDKs throw, by name and shape (each SDK may carry its own RestError class). */
const restError = (message: string, statusCode?: number) =>
  Object.assign(new Error(message), {
    name: 'RestError',
    ...(statusCode === undefined ? {} : { statusCode }),
  });

describe('storageStatus', () => {
  it('reads the HTTP status of a storage SDK error', () => {
    expect(storageStatus(restError('conflict', 409))).toBe(409);
  });

  it('is undefined for a RestError without a status (network failure) and for anything else', () => {
    expect(storageStatus(restError('socket hang up'))).toBeUndefined();
    expect(storageStatus(Object.assign(new Error('not the SDK'), { statusCode: 409 }))).toBeUndefined();
    expect(storageStatus({ name: 'RestError', statusCode: 409 })).toBeUndefined();
    expect(storageStatus(undefined)).toBeUndefined();
  });
});

describe('requireEtag', () => {
  it('returns an ETag and refuses a missing or empty one (an unguarded update)', () => {
    expect(requireEtag('W/"datetime\'2026-06-01\'"')).toBe('W/"datetime\'2026-06-01\'"');
    expect(() => requireEtag(undefined)).toThrow(/without an ETag/);
    expect(() => requireEtag('')).toThrow(/without an ETag/);
  });
});

describe('StorageConflictError', () => {
  it('names the table and keeps the cause', () => {
    const cause = restError('precondition failed', 412);
    const error = new StorageConflictError('Lockouts', 'ETag changed', { cause });
    expect(error).toMatchObject({ name: 'StorageConflictError', table: 'Lockouts', cause });
    expect(error.message).toBe('Lockouts: ETag changed');
  });
});
