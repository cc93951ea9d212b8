import type { GuardDecision } from '../guard';
import type { UserReference } from '../http/user-reference';

export type { GuardTarget, GuardDecision as GuardVerdict } from '../guard';

/** Resolves the target and decides whether this service may act on it; throws when it cannot tell. */
export type CheckTarget = (user: UserReference, clientRequestId: string) => Promise<GuardDecision>;
