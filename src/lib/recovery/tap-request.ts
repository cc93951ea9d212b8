import type { TapPolicy } from '../graph/tap';
import { AppError } from '../http/problem';

export interface TapRequest {
  lifetimeMinutes?: number;
  isUsableOnce?: boolean;
  startDateTime?: string;
}

export interface ResolvedTapRequest {
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  startDateTime?: string;
}

/** Graph's own bounds for any pass, whatever the policy says. */
const GRAPH_MIN_LIFETIME = 10;
const GRAPH_MAX_LIFETIME = 43_200;

/**
 * Applies the tenant's TAP policy to a request: one-time use and the policy's default lifetime
 * unless asked otherwise; anything outside the policy is refused with the allowed range, never
 * silently clamped.
 */
export function resolveTapRequest(policy: TapPolicy, request: TapRequest): ResolvedTapRequest {
  if (policy.state !== 'enabled') {
    throw new AppError('tap_policy_disabled', "The tenant's Temporary Access Pass policy is disabled.");
  }
  const min = Math.max(policy.minimumLifetimeInMinutes, GRAPH_MIN_LIFETIME);
  const max = Math.min(policy.maximumLifetimeInMinutes, GRAPH_MAX_LIFETIME);
  const lifetimeInMinutes = request.lifetimeMinutes ?? policy.defaultLifetimeInMinutes;
  if (lifetimeInMinutes < min || lifetimeInMinutes > max) {
    const message = `must be between ${min} and ${max} minutes (the tenant's Temporary Access Pass policy)`;
    throw new AppError('invalid_request', `lifetimeMinutes ${message}.`, {
      errors: [{ path: 'body.lifetimeMinutes', message }],
    });
  }
  const isUsableOnce = request.isUsableOnce ?? true;
  if (!isUsableOnce && policy.isUsableOnce) {
    const message = "must be true: the tenant's Temporary Access Pass policy allows one-time passes only";
    throw new AppError('invalid_request', `isUsableOnce ${message}.`, {
      errors: [{ path: 'body.isUsableOnce', message }],
    });
  }
  return {
    lifetimeInMinutes,
    isUsableOnce,
    ...(request.startDateTime ? { startDateTime: request.startDateTime } : {}),
  };
}

const ALL_USERS = 'all_users';

/**
 * A pass can be created for anyone, but only users inside the policy's targets can sign in with it
 * (Entra docs): say so rather than hand out a pass that will not work.
 */
export function tapTargetWarning(
  policy: TapPolicy,
  userId: string,
  groupIds: ReadonlySet<string>,
): string | undefined {
  const matches = (target: { id: string }) => target.id === userId || groupIds.has(target.id.toLowerCase());
  const included = policy.includeTargets.some((target) => target.id === ALL_USERS || matches(target));
  const excluded = policy.excludeTargets.some(matches);
  if (included && !excluded) return undefined;
  return "The user is not a target of the tenant's Temporary Access Pass policy: the pass cannot be used to sign in.";
}
