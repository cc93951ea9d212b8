import { AppError } from '../http/problem';
import type { Role } from './roles';

/** Who sent a request, as established by caller authentication (docs/callers.md). */
export interface Caller {
  /**
   * Stable and unique per caller: names it in audit rows and events and scopes its idempotency
   * records. `function-key`, `app:{appid}` (application token) or `user:{oid}` (delegated token).
   */
  id: string;
  kind: 'functionKey' | 'application' | 'user';
  /** Display name, for people reading the audit; never used to decide anything. */
  name?: string;
  /** The token's `oid`: the calling user's or service principal's object id. */
  objectId?: string;
  /** The token's `appid` (v1) or `azp` (v2): the client application. */
  appId?: string;
  roles: ReadonlySet<Role>;
  /** Conditional Access authentication contexts the token satisfied (its `acrs` claim). */
  authContexts: ReadonlySet<string>;
}

export const hasRole = (caller: Caller, role: Role): boolean => caller.roles.has(role);

/** 403 `forbidden`, naming the role the caller lacks. */
export function requireRole(caller: Caller, role: Role): void {
  if (!hasRole(caller, role)) {
    throw new AppError('forbidden', `This call needs the ${role} app role.`);
  }
}

/** How a caller appears in events and audit details: who, never what they hold. */
export function callerDetails(caller: Caller): Record<string, string> {
  return {
    id: caller.id,
    ...(caller.name ? { name: caller.name } : {}),
    ...(caller.appId ? { appId: caller.appId } : {}),
  };
}
