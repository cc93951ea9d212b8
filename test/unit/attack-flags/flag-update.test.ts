import { describe, expect, it } from 'vitest';

import { updateFlagAsCaller } from '../../../src/lib/attack-flags/flag-update';
import type { Role } from '../../../src/lib/auth/roles';
import type { StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { AppError } from '../../../src/lib/http/problem';
import { testCaller } from '../../support/callers';
import { actionFakes, attackFlag, TARGET } from '../approvals/action-fakes';

function patch(
  flag: StoredLockoutFlag | undefined,
  roles: Role[],
  status: 'acknowledged' | 'resolved' = 'resolved',
) {
  const fakes = actionFakes({ ...(flag ? { flag } : {}) });
  const written: StoredLockoutFlag[] = [];
  fakes.deps.lockouts.put = (next) => {
    written.push({ ...next, etag: 'e2' });
    return Promise.resolve({ ...next, etag: 'e2' });
  };
  const caller = testCaller({ kind: 'user', id: 'user:caller', roles });
  const result = updateFlagAsCaller(fakes.deps, {
    user: { kind: 'id', id: TARGET.id },
    change: { status, ticket: 'SEC-42' },
    caller,
    correlationId: 'c1',
  }).catch((error: unknown) => error);
  return { fakes, written, result };
}

const lockoutFlag = () => ({ ...attackFlag(), category: 'lockout' as const });

describe('PATCH /lockouts/{user} by role', () => {
  it.each<[string, () => StoredLockoutFlag, Role[], string | undefined]>([
    ['a lockout flag, by Recovery.Reset', lockoutFlag, ['Recovery.Reset'], undefined],
    ['a lockout flag, by Recovery.IssueTap', lockoutFlag, ['Recovery.IssueTap'], undefined],
    [
      'a lockout flag, by Recovery.SecurityOps alone',
      lockoutFlag,
      ['Recovery.SecurityOps'],
      'Recovery.Reset or Recovery.IssueTap',
    ],
    ['an attack flag, by Recovery.SecurityOps', attackFlag, ['Recovery.SecurityOps'], undefined],
    [
      'an attack flag, by the helpdesk',
      attackFlag,
      ['Recovery.Reset', 'Recovery.IssueTap'],
      'Recovery.SecurityOps',
    ],
  ])('%s', async (_name, flag, roles, missing) => {
    const { fakes, written, result } = patch(flag(), roles);
    const outcome = await result;
    const severity = flag().category === 'suspected_attack' ? 'high' : 'info';
    if (missing === undefined) {
      expect(outcome).toMatchObject({ status: 'resolved', ticket: 'SEC-42' });
      expect(written).toHaveLength(1);
      expect(fakes.audited).toMatchObject([
        { action: 'lockout.resolve', caller: 'user:caller', targetId: TARGET.id, outcome: 'succeeded' },
      ]);
      expect(fakes.events).toMatchObject([
        { type: 'lockout.flag_updated', severity, details: { caller: { id: 'user:caller' } } },
      ]);
    } else {
      expect(outcome).toBeInstanceOf(AppError);
      expect((outcome as AppError).code).toBe('forbidden');
      expect((outcome as AppError).detail).toContain(missing);
      expect(written).toHaveLength(0);
      expect(fakes.audited).toMatchObject([
        { action: 'lockout.resolve', outcome: 'refused', code: 'forbidden' },
      ]);
      expect(fakes.events).toMatchObject([{ type: 'lockout.flag_update_refused', severity }]);
    }
  });

  it('refuses a caller with none of the flag roles before reading, audited', async () => {
    const { fakes, result } = patch(attackFlag(), ['Recovery.Read'], 'acknowledged');
    const error = (await result) as AppError;
    expect(error.code).toBe('forbidden');
    expect(error.detail).toContain('Recovery.Reset, Recovery.IssueTap or Recovery.SecurityOps');
    expect(fakes.flagReads).toEqual([]);
    expect(fakes.audited).toMatchObject([{ action: 'lockout.acknowledge', outcome: 'refused' }]);
  });

  it('audits a missing flag and an invalid transition', async () => {
    const missing = patch(undefined, ['Recovery.Reset']);
    expect(((await missing.result) as AppError).code).toBe('lockout_not_found');
    expect(missing.fakes.audited).toMatchObject([{ outcome: 'refused', code: 'lockout_not_found' }]);
    const resolved = patch({ ...lockoutFlag(), status: 'resolved' }, ['Recovery.Reset'], 'acknowledged');
    expect(((await resolved.result) as AppError).code).toBe('lockout_transition_invalid');
    expect(resolved.fakes.audited).toMatchObject([
      { outcome: 'failed', result: { code: 'lockout_transition_invalid' } },
    ]);
  });
});
