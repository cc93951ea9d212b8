import { describe, expect, it } from 'vitest';

import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { mergeFlag, type MergeOptions } from '../../../src/lib/detection/merge-flag';
import { failures, MERGE_OPTIONS } from './merge-fixtures';
import { signIn } from './sign-ins';

// How an open flag changes when a later window reads more failures for its user.

const iso = (time: string) => new Date(time).toISOString();

function flagOf(result: ReturnType<typeof mergeFlag>): LockoutFlag {
  if (result.kind === 'unchanged') throw new Error('expected a flag');
  return result.flag;
}

/** A lockout flag opened from three failures at 10:00, 10:01 and 10:02. */
const openFlag = (options: Partial<MergeOptions> = {}) =>
  flagOf(
    mergeFlag(
      undefined,
      failures(
        signIn({ createdDateTime: '2026-11-25T10:00:00Z' }),
        signIn({ createdDateTime: '2026-11-25T10:01:00Z' }),
        signIn({ createdDateTime: '2026-11-25T10:02:00Z' }),
      ),
      { ...MERGE_OPTIONS, ...options },
    ),
  );

describe('mergeFlag on an open flag', () => {
  it('widens the failure span both ways: a late-arriving earlier failure and a newer one', () => {
    const result = mergeFlag(
      openFlag(),
      failures(
        signIn({ createdDateTime: '2026-11-25T09:50:00Z' }),
        signIn({ createdDateTime: '2026-11-25T10:30:00Z' }),
      ),
      MERGE_OPTIONS,
    );
    expect(result.kind).toBe('updated');
    expect(flagOf(result)).toMatchObject({
      category: 'lockout',
      lockoutAttempts: 5,
      attackAttempts: 0,
      firstFailureAt: iso('2026-11-25T09:50:00Z'),
      lastFailureAt: iso('2026-11-25T10:30:00Z'),
    });
  });

  it('keeps the span when the new failures fall inside it', () => {
    const flag = flagOf(
      mergeFlag(openFlag(), failures(signIn({ createdDateTime: '2026-11-25T10:01:30Z' })), MERGE_OPTIONS),
    );
    expect(flag.firstFailureAt).toBe(iso('2026-11-25T10:00:00Z'));
    expect(flag.lastFailureAt).toBe(iso('2026-11-25T10:02:00Z'));
    expect(flag.lockoutAttempts).toBe(4);
  });

  it('becomes a suspected attack on a denied prompt, and stays protected once protected', () => {
    const denied = signIn({
      createdDateTime: '2026-11-25T10:10:00Z',
      details: 'MFA denied; user declined the authentication',
    });
    const flag = flagOf(mergeFlag(openFlag({ isProtected: true }), failures(denied), MERGE_OPTIONS));
    expect(flag).toMatchObject({ category: 'suspected_attack', attackAttempts: 1, protected: true });
  });

  it('becomes protected when this run finds the user protected', () => {
    const flag = flagOf(
      mergeFlag(openFlag(), failures(signIn({ createdDateTime: '2026-11-25T10:11:00Z' })), {
        ...MERGE_OPTIONS,
        isProtected: true,
      }),
    );
    expect(flag.protected).toBe(true);
  });

  it('keeps the stored UPN when the new failures carry none', () => {
    const flag = flagOf(
      mergeFlag(
        openFlag(),
        failures(signIn({ createdDateTime: '2026-11-25T10:12:00Z', userPrincipalName: undefined })),
        MERGE_OPTIONS,
      ),
    );
    expect(flag.userPrincipalName).toBe('adele@contoso.com');
  });

  it('re-opens a resolved flag without a resolution time on any new failures', () => {
    const resolved: LockoutFlag = { ...openFlag(), status: 'resolved' };
    delete resolved.resolvedAt;
    const result = mergeFlag(
      resolved,
      failures(
        signIn({ createdDateTime: '2026-11-25T10:20:00Z' }),
        signIn({ createdDateTime: '2026-11-25T10:21:00Z' }),
        signIn({ createdDateTime: '2026-11-25T10:22:00Z' }),
      ),
      MERGE_OPTIONS,
    );
    expect(result.kind).toBe('reopened');
    expect(flagOf(result)).toMatchObject({ status: 'open', lockoutAttempts: 3, reopenCount: 1 });
  });
});
