import { describe, expect, it } from 'vitest';

import type { TapPolicy } from '../../../src/lib/graph/tap';
import { AppError } from '../../../src/lib/http/problem';
import { resolveTapRequest, tapTargetWarning } from '../../../src/lib/recovery/tap-request';

const POLICY: TapPolicy = {
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  isUsableOnce: false,
  includeTargets: [{ id: 'all_users', targetType: 'group' }],
  excludeTargets: [],
};

function refusal(policy: TapPolicy, request: Parameters<typeof resolveTapRequest>[1]): AppError {
  try {
    resolveTapRequest(policy, request);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('resolveTapRequest', () => {
  it("defaults to a one-time pass with the policy's default lifetime", () => {
    expect(resolveTapRequest(POLICY, {})).toEqual({ lifetimeInMinutes: 60, isUsableOnce: true });
  });

  it('keeps a lifetime inside the policy and a start time', () => {
    expect(
      resolveTapRequest(POLICY, { lifetimeMinutes: 480, startDateTime: '2026-12-01T08:00:00Z' }),
    ).toEqual({
      lifetimeInMinutes: 480,
      isUsableOnce: true,
      startDateTime: '2026-12-01T08:00:00Z',
    });
  });

  it('refuses a lifetime above the policy, stating the range', () => {
    const error = refusal(POLICY, { lifetimeMinutes: 481 });
    expect(error.code).toBe('invalid_request');
    expect(error.detail).toContain('between 60 and 480 minutes');
    expect(error.options.errors?.[0]?.path).toBe('body.lifetimeMinutes');
  });

  it('refuses a lifetime below the policy', () => {
    expect(refusal(POLICY, { lifetimeMinutes: 30 }).detail).toContain('between 60 and 480');
  });

  it('refuses a reusable pass when the policy forces one-time use', () => {
    const error = refusal({ ...POLICY, isUsableOnce: true }, { isUsableOnce: false });
    expect(error.options.errors?.[0]?.path).toBe('body.isUsableOnce');
  });

  it('allows a reusable pass when the policy does', () => {
    expect(resolveTapRequest(POLICY, { isUsableOnce: false }).isUsableOnce).toBe(false);
  });

  it('refuses when the policy is disabled', () => {
    expect(refusal({ ...POLICY, state: 'disabled' }, {}).code).toBe('tap_policy_disabled');
  });
});

describe('tapTargetWarning', () => {
  it('is silent for a policy that targets all users', () => {
    expect(tapTargetWarning(POLICY, 'u1', new Set())).toBeUndefined();
  });

  it('warns when the user is in no included group', () => {
    const policy = { ...POLICY, includeTargets: [{ id: 'g1', targetType: 'group' }] };
    expect(tapTargetWarning(policy, 'u1', new Set(['g2']))).toMatch(/cannot be used to sign in/);
    expect(tapTargetWarning(policy, 'u1', new Set(['g1']))).toBeUndefined();
  });

  it('warns when an excluded group holds the user', () => {
    const policy = { ...POLICY, excludeTargets: [{ id: 'admins', targetType: 'group' }] };
    expect(tapTargetWarning(policy, 'u1', new Set(['admins']))).toMatch(/not a target/);
  });
});
