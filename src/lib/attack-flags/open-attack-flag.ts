import { orUnavailable } from '../approvals/storage-failure';
import { callerDetails, hasRole } from '../auth/caller';
import type { FlagAccess } from '../detection/lockout-api';
import type { StoredLockoutFlag } from '../detection/lockout-flag';
import { AppError } from '../http/problem';
import type { GuardVerdict } from '../recovery/action-guard';
import type { ActionRequest } from '../recovery/run-action';
import type { AuditAction, AuditAttempt, AuditLog } from '../storage/audit-log';
import type { EventPublisher } from '../storage/recovery-events';

/** What an attacker who talked the helpdesk round would ask for: a way in, or MFA out of the way. */
const BLOCKED_ACTIONS: ReadonlySet<AuditAction> = new Set([
  'tap.issue',
  'mfa.reset',
  'mfa.recover',
  'phone.add',
  'mfa.suspend',
]);

export interface AttackFlagDeps {
  lockouts: Pick<FlagAccess, 'get'>;
  audit: AuditLog;
  events: EventPublisher;
  log: { warn(message: string): void };
}

/** The target's flag, by its resolved object id; started early when it can be. */
export type AttackFlagRead = (targetId: string) => Promise<StoredLockoutFlag | undefined>;

/**
 * The Lockouts table is keyed by object id: a target named by id is read beside the guard (no
 * round trip added); one named by UPN is read by id right after the guard resolves it, because a
 * look-up by UPN scans the partition and misses a flag whose user was renamed. Actions the flag
 * does not block read nothing.
 */
export function startAttackFlagRead(
  lockouts: Pick<FlagAccess, 'get'>,
  request: ActionRequest,
): AttackFlagRead {
  if (!BLOCKED_ACTIONS.has(request.action)) return () => Promise.resolve(undefined);
  const { user } = request;
  if (user.kind === 'upn') return async (targetId) => await lockouts.get(targetId);
  // Held until needed, so a refused action leaves no unhandled rejection behind.
  const early = lockouts.get(user.id).then(
    (flag) => ({ flag }),
    (error: unknown) => ({ error }),
  );
  return async (targetId) => {
    if (targetId !== user.id) return await lockouts.get(targetId);
    const read = await early;
    if ('error' in read) throw read.error;
    return read.flag;
  };
}

/** An attack flag counts until security operations resolve it: acknowledging it is not closing it. */
export const isOpenAttackFlag = (flag: StoredLockoutFlag | undefined): flag is StoredLockoutFlag =>
  flag?.category === 'suspected_attack' && flag.status !== 'resolved';

/**
 * A target with an open `suspected_attack` flag gets no TAP, reset, phone or suspension: 409
 * `suspected_attack_open`, audited, with a high-severity event. A caller with
 * Recovery.SecurityOps passes; the override goes into the audit row (returned to merge into it) and
 * a high-severity event. Break-glass targets are left to the guard's own refusal.
 */
export async function checkAttackFlag(
  deps: AttackFlagDeps,
  request: ActionRequest,
  verdict: GuardVerdict,
  read: AttackFlagRead,
  attempt: AuditAttempt,
): Promise<{ override?: 'suspected_attack_open' }> {
  if (!verdict.allowed && verdict.code === 'break_glass_account') return {};
  if (!BLOCKED_ACTIONS.has(request.action)) return {};
  const flag = await orUnavailable('read the lockout flag', () => read(verdict.target.id));
  if (!isOpenAttackFlag(flag)) return {};
  const overridden = hasRole(request.caller, 'Recovery.SecurityOps');
  await deps.events
    .publish({
      type: overridden ? 'security.attack_flag_override' : 'recovery.action.refused',
      severity: 'high',
      action: request.action,
      outcome: overridden ? 'override' : 'refused',
      targetId: verdict.target.id,
      targetUpn: verdict.target.userPrincipalName,
      ticket: request.input.ticket,
      correlationId: request.correlationId,
      details: {
        code: 'suspected_attack_open',
        flagStatus: flag.status,
        flagOpenedAt: flag.openedAt,
        caller: callerDetails(request.caller),
      },
    })
    .catch((error: unknown) =>
      deps.log.warn(
        `could not publish the attack-flag event: ${error instanceof Error ? error.name : 'unknown'}`,
      ),
    );
  if (overridden) return { override: 'suspected_attack_open' };
  const detail =
    'The user has an open suspected-attack flag: only security operations (Recovery.SecurityOps) may act on this account until it is resolved.';
  await deps.audit.refused(attempt, 'suspected_attack_open', detail);
  throw new AppError('suspected_attack_open', detail);
}
