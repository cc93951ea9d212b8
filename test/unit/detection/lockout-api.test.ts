import { describe, expect, it } from 'vitest';

import {
  findLockout,
  type FlagAccess,
  resolveAfterRecovery,
  toLockoutView,
  updateLockout,
} from '../../../src/lib/detection/lockout-api';
import type { LockoutFlag, StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';

const USER = '66b022fa-5f4b-45ff-86f2-1ae4037c6f3d';
const UPN = 'adelev@contoso.onmicrosoft.com';
const NOW = new Date('2026-06-01T12:00:00Z');

const flag = (change: Partial<StoredLockoutFlag> = {}): StoredLockoutFlag => ({
  userId: USER,
  userPrincipalName: UPN,
  category: 'lockout',
  status: 'open',
  protected: false,
  lockoutAttempts: 3,
  attackAttempts: 0,
  firstFailureAt: '2026-06-01T11:00:00Z',
  lastFailureAt: '2026-06-01T11:10:00Z',
  recentEvents: [],
  countedAttempts: ['abc@1780311000'],
  openedAt: '2026-06-01T11:15:00Z',
  updatedAt: '2026-06-01T11:15:00Z',
  openEventId: 'e1',
  reopenCount: 0,
  etag: 'W/"1"',
  ...change,
});

/** One flag in memory; `put` honours the ETag as Table Storage does, and can be told to lose the race. */
function store(initial: StoredLockoutFlag | undefined, options: { loseRace?: boolean } = {}) {
  let current = initial;
  const puts: { flag: LockoutFlag; etag: string | undefined }[] = [];
  const access: FlagAccess = {
    get: (userId) => Promise.resolve(current?.userId === userId ? current : undefined),
    findByUpn: (upn) => Promise.resolve(current?.userPrincipalName === upn ? current : undefined),
    put: (next, etag) => {
      puts.push({ flag: next, etag });
      if (options.loseRace === true || etag !== current?.etag) return Promise.resolve(undefined);
      current = { ...next, etag: 'W/"2"' };
      return Promise.resolve(current);
    },
  };
  return { access, puts, current: () => current };
}

describe('toLockoutView', () => {
  it('shows everything but the ETag and the counted-attempt keys', () => {
    const view = toLockoutView(flag());
    expect(view).not.toHaveProperty('etag');
    expect(view).not.toHaveProperty('countedAttempts');
    expect(view).toMatchObject({ userId: USER, status: 'open', lockoutAttempts: 3 });
  });
});

describe('findLockout', () => {
  it('finds a flag by object id or by UPN, and answers lockout_not_found otherwise', async () => {
    const { access } = store(flag());
    await expect(findLockout(access, { kind: 'id', id: USER })).resolves.toMatchObject({ userId: USER });
    await expect(findLockout(access, { kind: 'upn', upn: UPN })).resolves.toMatchObject({ userId: USER });
    await expect(
      findLockout(access, { kind: 'upn', upn: 'nobody@contoso.onmicrosoft.com' }),
    ).rejects.toMatchObject({ code: 'lockout_not_found', status: 404 });
  });
});

describe('updateLockout', () => {
  const byId = { kind: 'id', id: USER } as const;

  it('acknowledges an open flag with the ticket, guarded by the ETag it read', async () => {
    const { access, puts } = store(flag());
    const view = await updateLockout(access, byId, { status: 'acknowledged', ticket: 'INC1' }, NOW);
    expect(view).toMatchObject({
      status: 'acknowledged',
      ticket: 'INC1',
      acknowledgedAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(view).not.toHaveProperty('resolvedAt');
    expect(puts.map((put) => put.etag)).toEqual(['W/"1"']);
    expect(puts[0]?.flag).not.toHaveProperty('etag');
  });

  it('resolves an acknowledged flag, and an open one directly', async () => {
    const acknowledged = store(flag({ status: 'acknowledged' }));
    const resolved = await updateLockout(
      acknowledged.access,
      byId,
      { status: 'resolved', ticket: 'INC2' },
      NOW,
    );
    expect(resolved).toMatchObject({ status: 'resolved', ticket: 'INC2', resolvedAt: NOW.toISOString() });
    expect(resolved).not.toHaveProperty('acknowledgedAt');
    const open = store(flag());
    await expect(
      updateLockout(open.access, byId, { status: 'resolved', ticket: 'INC3' }, NOW),
    ).resolves.toMatchObject({ status: 'resolved' });
  });

  it('leaves a flag already in the asked status as it is, without a write', async () => {
    const { access, puts } = store(flag({ status: 'acknowledged', ticket: 'INC0' }));
    await expect(
      updateLockout(access, byId, { status: 'acknowledged', ticket: 'INC9' }, NOW),
    ).resolves.toMatchObject({ status: 'acknowledged', ticket: 'INC0' });
    expect(puts).toHaveLength(0);
  });

  it('refuses to move a resolved flag, or an acknowledged one back', async () => {
    const resolved = store(flag({ status: 'resolved' }));
    await expect(
      updateLockout(resolved.access, byId, { status: 'acknowledged', ticket: 'INC1' }, NOW),
    ).rejects.toMatchObject({ code: 'lockout_transition_invalid', status: 409 });
    expect(resolved.puts).toHaveLength(0);
  });

  it('answers lockout_changed when the flag changed between the read and the write', async () => {
    const { access } = store(flag(), { loseRace: true });
    await expect(
      updateLockout(access, byId, { status: 'acknowledged', ticket: 'INC1' }, NOW),
    ).rejects.toMatchObject({ code: 'lockout_changed', status: 409 });
  });
});

describe('resolveAfterRecovery', () => {
  it('resolves an open or acknowledged lockout flag with the action’s ticket', async () => {
    for (const status of ['open', 'acknowledged'] as const) {
      const { access, current } = store(flag({ status }));
      await expect(resolveAfterRecovery(access, USER, 'INC7', NOW)).resolves.toBe(true);
      expect(current()).toMatchObject({ status: 'resolved', ticket: 'INC7', resolvedAt: NOW.toISOString() });
    }
  });

  it('leaves a suspected attack, a resolved flag, and a user without a flag alone', async () => {
    const attack = store(flag({ category: 'suspected_attack' }));
    await expect(resolveAfterRecovery(attack.access, USER, 'INC7', NOW)).resolves.toBe(false);
    const resolved = store(flag({ status: 'resolved', ticket: 'INC0' }));
    await expect(resolveAfterRecovery(resolved.access, USER, 'INC7', NOW)).resolves.toBe(false);
    const none = store(undefined);
    await expect(resolveAfterRecovery(none.access, USER, 'INC7', NOW)).resolves.toBe(false);
    expect([...attack.puts, ...resolved.puts, ...none.puts]).toHaveLength(0);
  });
});
