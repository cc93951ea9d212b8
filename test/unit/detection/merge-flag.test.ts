import { describe, expect, it } from 'vitest';

import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { mergeFlag } from '../../../src/lib/detection/merge-flag';
import { failures, MERGE_OPTIONS } from './merge-fixtures';
import { signIn } from './sign-ins';

const at = (minute: number) => `2026-11-25T10:${String(minute).padStart(2, '0')}:00Z`;
const lockouts = (count: number, from = 0) =>
  Array.from({ length: count }, (_, index) => signIn({ createdDateTime: at(from + index) }));

function opened(result: ReturnType<typeof mergeFlag>): LockoutFlag {
  if (result.kind === 'unchanged') throw new Error('expected a flag');
  return result.flag;
}

describe('mergeFlag', () => {
  it('does not flag a user below the lockout threshold', () => {
    expect(mergeFlag(undefined, failures(...lockouts(2)), MERGE_OPTIONS).kind).toBe('unchanged');
  });

  it('opens a lockout flag at the threshold', () => {
    const result = mergeFlag(undefined, failures(...lockouts(3)), MERGE_OPTIONS);
    expect(result.kind).toBe('opened');
    expect(opened(result)).toMatchObject({
      category: 'lockout',
      status: 'open',
      lockoutAttempts: 3,
      attackAttempts: 0,
      firstFailureAt: '2026-11-25T10:00:00.000Z',
      lastFailureAt: '2026-11-25T10:02:00.000Z',
      protected: false,
    });
  });

  it('opens a suspected-attack flag on one denied prompt', () => {
    const flag = opened(
      mergeFlag(
        undefined,
        failures(signIn({ details: 'MFA denied; user declined the authentication' })),
        MERGE_OPTIONS,
      ),
    );
    expect(flag.category).toBe('suspected_attack');
    expect(flag.attackAttempts).toBe(1);
  });

  it('never calls a user with attack signals a lockout, however many lockout failures', () => {
    const events = [
      ...lockouts(5),
      signIn({ details: 'MFA denied; Phone App Reported Fraud', createdDateTime: at(9) }),
    ];
    expect(opened(mergeFlag(undefined, failures(...events), MERGE_OPTIONS)).category).toBe(
      'suspected_attack',
    );
  });

  it('marks protected users', () => {
    expect(
      opened(mergeFlag(undefined, failures(...lockouts(3)), { ...MERGE_OPTIONS, isProtected: true }))
        .protected,
    ).toBe(true);
  });

  it('changes nothing when the same window is read again', () => {
    const events = lockouts(3);
    const flag = opened(mergeFlag(undefined, failures(...events), MERGE_OPTIONS));
    expect(mergeFlag(flag, failures(...events), MERGE_OPTIONS).kind).toBe('unchanged');
  });

  it('adds only new attempts to an open flag', () => {
    const events = lockouts(3);
    const flag = opened(mergeFlag(undefined, failures(...events), MERGE_OPTIONS));
    const result = mergeFlag(flag, failures(...events, ...lockouts(1, 20)), MERGE_OPTIONS);
    expect(result.kind).toBe('updated');
    expect(opened(result).lockoutAttempts).toBe(4);
    expect(opened(result).lastFailureAt).toBe('2026-11-25T10:20:00.000Z');
  });

  it('does not count again an attempt counted under a later time, when an earlier event arrives late', () => {
    const late = signIn({ correlationId: 'corr-retried', createdDateTime: at(5) });
    const flag = opened(mergeFlag(undefined, failures(late, ...lockouts(2, 6)), MERGE_OPTIONS));
    expect(flag.lockoutAttempts).toBe(3);
    // The same attempt's earlier event: its earliest time, so its token's time, moves to 10:01.
    const early = signIn({ correlationId: 'CORR-RETRIED', createdDateTime: at(1) });
    const again = failures(early, late);
    expect(again.attempts.size).toBe(1);
    expect(mergeFlag(flag, again, MERGE_OPTIONS).kind).toBe('unchanged');
    const result = mergeFlag(flag, failures(early, late, ...lockouts(1, 20)), MERGE_OPTIONS);
    expect(opened(result).lockoutAttempts).toBe(4);
  });

  it('re-opens a resolved flag on new failures after its resolution', () => {
    const first = lockouts(3);
    const flag: LockoutFlag = {
      ...opened(mergeFlag(undefined, failures(...first), MERGE_OPTIONS)),
      status: 'resolved',
      resolvedAt: '2026-11-25T10:10:00.000Z',
    };
    const result = mergeFlag(flag, failures(...first, ...lockouts(3, 30)), MERGE_OPTIONS);
    expect(result.kind).toBe('reopened');
    expect(opened(result)).toMatchObject({ status: 'open', lockoutAttempts: 3, reopenCount: 1 });
    expect(opened(result).resolvedAt).toBeUndefined();
  });

  it('does not re-open a resolved flag for late events from before its resolution', () => {
    const flag: LockoutFlag = {
      ...opened(mergeFlag(undefined, failures(...lockouts(3)), MERGE_OPTIONS)),
      status: 'resolved',
      resolvedAt: '2026-11-25T10:30:00.000Z',
    };
    expect(mergeFlag(flag, failures(...lockouts(4, 10)), MERGE_OPTIONS).kind).toBe('unchanged');
  });

  it('forgets counted attempts older than the horizon', () => {
    const flag = opened(mergeFlag(undefined, failures(...lockouts(3)), MERGE_OPTIONS));
    const later = { ...MERGE_OPTIONS, horizon: new Date('2026-11-25T10:01:30Z') };
    const updated = opened(mergeFlag(flag, failures(...lockouts(1, 40)), later));
    expect(updated.countedAttempts).toHaveLength(2);
  });
});
