import { type Caller, callerDetails, hasRole } from '../auth/caller';
import type { Role } from '../auth/roles';
import {
  changeFlag,
  findLockout,
  type FlagAccess,
  type FlagChange,
  type LockoutView,
} from '../detection/lockout-api';
import type { FlagCategory } from '../detection/lockout-flag';
import { AppError } from '../http/problem';
import type { UserReference } from '../http/user-reference';
import type { AuditAttempt, AuditLog } from '../storage/audit-log';
import type { EventPublisher } from '../storage/recovery-events';

/**
 * Who may acknowledge or resolve a flag, by its category: an attack flag, and a method registered
 * oddly after a recovery (docs/post-recovery-watch.md), are security operations' to close.
 */
export const FLAG_ROLES: Record<FlagCategory, readonly Role[]> = {
  lockout: ['Recovery.Reset', 'Recovery.IssueTap'],
  suspected_attack: ['Recovery.SecurityOps'],
  post_recovery_anomaly: ['Recovery.SecurityOps'],
};

const ANY_FLAG_ROLE = [...new Set(Object.values(FLAG_ROLES).flat())];

export interface FlagUpdateDeps {
  lockouts: FlagAccess;
  audit: AuditLog;
  events: EventPublisher;
  log: { warn(message: string): void };
}

const roleNames = (roles: readonly Role[]) =>
  roles.length === 1
    ? (roles[0] ?? '')
    : `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1] ?? ''}`;

/**
 * `PATCH /api/lockouts/{user}`: the caller's role must match the flag's category (403 `forbidden`
 * naming the role otherwise). Every attempt is audited, refusals included, and every change is
 * queued on `recovery-events` with the caller; attack flags at high severity.
 */
export async function updateFlagAsCaller(
  deps: FlagUpdateDeps,
  request: { user: UserReference; change: FlagChange; caller: Caller; correlationId: string },
  now: Date = new Date(),
): Promise<LockoutView> {
  const { user, change, caller } = request;
  const attempt: AuditAttempt = {
    action: change.status === 'acknowledged' ? 'lockout.acknowledge' : 'lockout.resolve',
    caller: caller.id,
    ticket: change.ticket,
    correlationId: request.correlationId,
    ...(user.kind === 'upn' ? { targetUpn: user.upn } : { targetId: user.id }),
  };
  const refuse = async (target: AuditAttempt, error: AppError): Promise<never> => {
    await deps.audit.refused(target, error.code, error.detail);
    throw error;
  };
  const forbidden = (roles: readonly Role[]) =>
    new AppError('forbidden', `This call needs the ${roleNames(roles)} app role.`);

  if (!ANY_FLAG_ROLE.some((role) => hasRole(caller, role))) await refuse(attempt, forbidden(ANY_FLAG_ROLE));
  let flag;
  try {
    flag = await findLockout(deps.lockouts, user);
  } catch (error) {
    return await refuse(attempt, error instanceof AppError ? error : storageDown(error));
  }
  const targeted: AuditAttempt = {
    ...attempt,
    targetId: flag.userId,
    ...(flag.userPrincipalName ? { targetUpn: flag.userPrincipalName } : {}),
  };
  const severity = flag.category === 'suspected_attack' ? 'high' : 'info';
  const publish = async (outcome: string, details: Record<string, unknown>) => {
    await deps.events
      .publish({
        type: outcome === 'refused' ? 'lockout.flag_update_refused' : 'lockout.flag_updated',
        severity,
        action: attempt.action,
        outcome,
        targetId: flag.userId,
        ...(flag.userPrincipalName ? { targetUpn: flag.userPrincipalName } : {}),
        ticket: change.ticket,
        correlationId: request.correlationId,
        details: {
          category: flag.category,
          from: flag.status,
          to: change.status,
          ...details,
          caller: callerDetails(caller),
        },
      })
      .catch((error: unknown) =>
        deps.log.warn(`could not publish the flag event: ${error instanceof Error ? error.name : 'unknown'}`),
      );
  };

  const roles = FLAG_ROLES[flag.category];
  if (!roles.some((role) => hasRole(caller, role))) {
    await publish('refused', { code: 'forbidden' });
    await refuse(targeted, forbidden(roles));
  }
  const entry = await deps.audit.start(targeted);
  try {
    const view = await changeFlag(deps.lockouts, flag, change, now);
    await deps.audit
      .complete(entry, {
        outcome: 'succeeded',
        summary: { category: flag.category, from: flag.status, to: view.status },
      })
      .catch((error: unknown) =>
        deps.log.warn(
          `could not complete the flag's audit row: ${error instanceof Error ? error.name : 'unknown'}`,
        ),
      );
    await publish('succeeded', {});
    return view;
  } catch (error) {
    const appError = error instanceof AppError ? error : storageDown(error);
    await deps.audit
      .complete(entry, { outcome: 'failed', code: appError.code, detail: appError.detail })
      .catch((auditError: unknown) =>
        deps.log.warn(
          `could not complete the flag's audit row: ${auditError instanceof Error ? auditError.name : 'unknown'}`,
        ),
      );
    throw appError;
  }
}

const storageDown = (error: unknown) =>
  new AppError('audit_unavailable', 'Table Storage could not read or write the lockout flag.', {
    cause: error,
  });
