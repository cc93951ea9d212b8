import { describe, expect, it } from 'vitest';

import type { TapPolicy } from '../../../src/lib/graph/tap';
import { AppError } from '../../../src/lib/http/problem';
import { resolveTapRequest, tapTargetWarning } from '../../../src/lib/recovery/tap-request';
import { TAP_POLICY } from '../../support/tap-fixtures';

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
    expect(resolveTapRequest(TAP_POLICY, {})).toEqual({ lifetimeInMinutes: 60, isUsableOnce: true });
  });

  it('keeps a lifetime inside the policy and a start time', () => {
    expect(
      resolveTapRequest(TAP_POLICY, { lifetimeMinutes: 480, startDateTime: '2026-12-01T08:00:00Z' }),
    ).toEqual({
      lifetimeInMinutes: 480,
      isUsableOnce: true,
      startDateTime: '2026-12-01T08:00:00Z',
    });
  });

  it('refuses a lifetime above the policy, stating the range', () => {
    const error = refusal(TAP_POLICY, { lifetimeMinutes: 481 });
    expect(error.code).toBe('invalid_request');
    expect(error.detail).toContain('between 60 and 480 minutes');
    expect(error.options.errors?.[0]?.path).toBe('body.lifetimeMinutes');
  });

  it('refuses a lifetime below the policy', () => {
    expect(refusal(TAP_POLICY, { lifetimeMinutes: 30 }).detail).toContain('between 60 and 480');
  });

  it('refuses a reusable pass when the policy forces one-time use', () => {
    const error = refusal({ ...TAP_POLICY, isUsableOnce: true }, { isUsableOnce: false });
    expect(error.options.errors?.[0]?.path).toBe('body.isUsableOnce');
  });

  it('allows a reusable pass when the policy does', () => {
    expect(resolveTapRequest(TAP_POLICY, { isUsableOnce: false }).isUsableOnce).toBe(false);
  });

  it('refuses when the policy is disabled', () => {
    expect(refusal({ ...TAP_POLICY, state: 'disabled' }, {}).code).toBe('tap_policy_disabled');
  });
});

describe('tapTargetWarning', () => {
  it('is silent for a policy that targets all users', () => {
    expect(tapTargetWarning(TAP_POLICY, 'u1', new Set())).toBeUndefined();
  });

  it('warns when the user is in no included group', () => {
    const policy = { ...TAP_POLICY, includeTargets: [{ id: 'g1', targetType: 'group' }] };
    expect(tapTargetWarning(policy, 'u1', new Set(['g2']))).toMatch(/cannot be used to sign in/);
    expect(tapTargetWarning(policy, 'u1', new Set(['g1']))).toBeUndefined();
  });

  it('warns when an excluded group holds the user', () => {
    const policy = { ...TAP_POLICY, excludeTargets: [{ id: 'admins', targetType: 'group' }] };
    expect(tapTargetWarning(policy, 'u1', new Set(['admins']))).toMatch(/not a target/);
  });
});

describe('resolveTapRequest within Graph’s own bounds', () => {
  const WIDE = { ...TAP_POLICY, minimumLifetimeInMinutes: 1, maximumLifetimeInMinutes: 100_000 };

  it('holds any policy to Graph’s 10 to 43 200 minutes, naming the range and the field', () => {
    const message = "must be between 10 and 43200 minutes (the tenant's Temporary Access Pass policy)";
    for (const lifetimeMinutes of [9, 43_201]) {
      const error = refusal(WIDE, { lifetimeMinutes });
      expect(error.detail).toBe(`lifetimeMinutes ${message}.`);
      expect(error.options.errors).toEqual([{ path: 'body.lifetimeMinutes', message }]);
    }
    expect(resolveTapRequest(WIDE, { lifetimeMinutes: 10 }).lifetimeInMinutes).toBe(10);
    expect(resolveTapRequest(WIDE, { lifetimeMinutes: 43_200 }).lifetimeInMinutes).toBe(43_200);
  });

  it('accepts the policy’s own minimum, and adds no start time that was not asked for', () => {
    expect(resolveTapRequest(TAP_POLICY, { lifetimeMinutes: 60 })).toStrictEqual({
      lifetimeInMinutes: 60,
      isUsableOnce: true,
    });
  });

  it('says why a reusable pass or any pass is refused', () => {
    const oneTime = { ...TAP_POLICY, isUsableOnce: true };
    const message = "must be true: the tenant's Temporary Access Pass policy allows one-time passes only";
    const error = refusal(oneTime, { isUsableOnce: false });
    expect(error).toMatchObject({
      code: 'invalid_request',
      detail: `isUsableOnce ${message}.`,
      options: { errors: [{ path: 'body.isUsableOnce', message }] },
    });
    expect(resolveTapRequest(oneTime, {}).isUsableOnce).toBe(true);
    expect(resolveTapRequest(oneTime, { isUsableOnce: true }).isUsableOnce).toBe(true);
    expect(refusal({ ...TAP_POLICY, state: 'disabled' }, {}).detail).toBe(
      "The tenant's Temporary Access Pass policy is disabled.",
    );
  });
});

describe('tapTargetWarning by user and group', () => {
  const WARNING =
    "The user is not a target of the tenant's Temporary Access Pass policy: the pass cannot be used to sign in.";

  it('is silent for a user the policy names directly, and warns for a user it excludes directly', () => {
    const policy = { ...TAP_POLICY, includeTargets: [{ id: 'u1', targetType: 'user' }] };
    expect(tapTargetWarning(policy, 'u1', new Set())).toBeUndefined();
    expect(tapTargetWarning(policy, 'u2', new Set())).toBe(WARNING);
    const excluded = { ...TAP_POLICY, excludeTargets: [{ id: 'u1', targetType: 'user' }] };
    expect(tapTargetWarning(excluded, 'u1', new Set())).toBe(WARNING);
    expect(tapTargetWarning(excluded, 'u2', new Set())).toBeUndefined();
  });

  it('matches a group id whatever its case, against the user’s lower-cased group ids', () => {
    const policy = {
      ...TAP_POLICY,
      includeTargets: [{ id: '0E8F1B3C-AAAA-4000-8000-000000000001', targetType: 'group' }],
    };
    expect(tapTargetWarning(policy, 'u1', new Set(['0e8f1b3c-aaaa-4000-8000-000000000001']))).toBeUndefined();
  });
});
