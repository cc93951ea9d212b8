import { describe, expect, it } from 'vitest';

import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';
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
