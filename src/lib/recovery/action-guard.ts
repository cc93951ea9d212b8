import type { UserReference } from '../http/user-reference';

export interface GuardTarget {
  id: string;
  userPrincipalName: string;
  /** Groups the user belongs to (transitively), for the TAP policy's target check. */
  groupIds: ReadonlySet<string>;
}

export type GuardVerdict =
  | { allowed: true; target: GuardTarget; graphRequestIds: string[] }
  | {
      allowed: false;
      code: 'break_glass_account' | 'protected_account';
      /** For the audit log only: which role or group made the account protected. */
      reasons: string[];
      target: GuardTarget;
      graphRequestIds: string[];
    };

/** Resolves the target and decides whether this service may act on it; throws when it cannot tell. */
export type CheckTarget = (user: UserReference, clientRequestId: string) => Promise<GuardVerdict>;
