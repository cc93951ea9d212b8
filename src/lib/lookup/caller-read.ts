import type { Client } from '@microsoft/microsoft-graph-client';

import type { Caller } from '../auth/caller';
import { scopeRefusal } from '../auth/target-access';
import type { Config } from '../config';
import { graphClientRequestId } from '../http/correlation';
import type { UserReference } from '../http/user-reference';
import type { CheckTarget, GuardVerdict } from '../recovery/action-guard';
import type { AuditLog } from '../storage/audit-log';
import { lookUpUserMethods, type UserMethods } from './user-methods';

export interface CallerReadDeps {
  graph: Client;
  checkTarget: CheckTarget;
  audit: AuditLog;
  config: Pick<Config, 'callers'>;
}

type Settled = { ok: true; verdict: GuardVerdict } | { ok: false; error: unknown };

/**
 * A caller's read of a user's methods. The guard runs beside the read (no added latency): a
 * scoped caller sees only users within its scope, and a read of a protected or break-glass
 * account, or of one the guard could not classify, is audited before it is answered
 * (docs/callers.md): who looked at an administrator's methods is worth knowing.
 */
export async function readMethodsAsCaller(
  deps: CallerReadDeps,
  caller: Caller,
  user: UserReference,
  correlationId: string,
): Promise<UserMethods> {
  const [checked, found] = await Promise.all([
    deps.checkTarget(user, graphClientRequestId(correlationId)).then(
      (verdict): Settled => ({ ok: true, verdict }),
      (error: unknown): Settled => ({ ok: false, error }),
    ),
    lookUpUserMethods(deps.graph, user, correlationId),
  ]);
  if (!checked.ok && deps.config.callers.scopes.has(caller.id)) throw checked.error;
  if (checked.ok) {
    const outOfScope = scopeRefusal(caller, checked.verdict, deps.config.callers);
    if (outOfScope) throw outOfScope;
    if (checked.verdict.allowed) return found;
  }
  const entry = await deps.audit.start({
    action: 'methods.read',
    caller: caller.id,
    ...(caller.name ? { callerName: caller.name } : {}),
    ...(caller.appId ? { callerAppId: caller.appId } : {}),
    targetId: found.user.id,
    targetUpn: found.user.userPrincipalName,
    correlationId,
  });
  await deps.audit.complete(entry, {
    outcome: 'succeeded',
    code: checked.ok && !checked.verdict.allowed ? checked.verdict.code : 'guard_unavailable',
    graphRequestIds: checked.ok ? checked.verdict.graphRequestIds : [],
  });
  return found;
}
