import { z } from 'zod';

import { type Caller, callerDetails } from '../auth/caller';
import type { Config } from '../config';
import { AppError } from '../http/problem';
import type { AuditAction, AuditLog } from '../storage/audit-log';
import type { EventPublisher } from '../storage/recovery-events';
import type { LimitsStore } from './limits-store';

/** The kill switch and the brake as an administrator sees and changes them (docs/limits.md). */
export interface ServiceControlsDeps {
  config: Pick<Config, 'limits'>;
  limitsStore: LimitsStore;
  audit: AuditLog;
  events: EventPublisher;
  log: { warn(message: string): void };
}

const reason = z.string().trim().min(1).max(500);
export const WritesSwitchSchema = z.strictObject({ enabled: z.boolean(), reason: reason.optional() });
export const BrakeReleaseSchema = z.strictObject({ reason });

const unavailable = (cause: unknown) =>
  new AppError('limits_unavailable', 'The limits store (Table Storage) could not be read or updated.', {
    cause,
  });

/** GET /api/service/writes: whether changes are allowed, and why not. */
export async function serviceState(deps: ServiceControlsDeps) {
  const state = await deps.limitsStore.readState().catch((error: unknown) => {
    throw unavailable(error);
  });
  return {
    enabled: deps.config.limits.writesEnabled && state.writes.enabled,
    setting: { RECOVERY_WRITES_ENABLED: deps.config.limits.writesEnabled },
    stored: state.writes,
    brake: {
      engaged: state.brake.engaged,
      ...(state.brake.trippedAt ? { trippedAt: state.brake.trippedAt } : {}),
      usersInWindow: state.brake.recent.filter(
        (entry) => entry.at > Date.now() - deps.config.limits.brakeWindowMs,
      ).length,
    },
  };
}

/**
 * An audited change by an administrator: the audit row is written before the change, so a switch
 * or release that cannot be recorded does not happen.
 */
async function audited<T>(
  deps: ServiceControlsDeps,
  attempt: { action: AuditAction; caller: Caller; reason?: string; correlationId: string },
  change: () => Promise<T>,
  summary: (result: T) => Record<string, unknown>,
): Promise<T> {
  const entry = await deps.audit.start({
    action: attempt.action,
    caller: attempt.caller.id,
    correlationId: attempt.correlationId,
    ...(attempt.reason ? { reason: attempt.reason } : {}),
  });
  let result: T;
  try {
    result = await change();
  } catch (error) {
    await deps.audit
      .complete(entry, { outcome: 'failed', code: 'limits_unavailable', detail: 'Table Storage failed.' })
      .catch(() => deps.log.warn(`audit entry ${entry.id} left started`));
    throw unavailable(error);
  }
  await deps.audit
    .complete(entry, { outcome: 'succeeded', summary: summary(result) })
    .catch(() => deps.log.warn(`audit entry ${entry.id} left started: ${JSON.stringify(summary(result))}`));
  return result;
}

/** PUT /api/service/writes: switches changes off (or on again) on every instance. */
export async function switchWrites(
  deps: ServiceControlsDeps,
  caller: Caller,
  input: z.output<typeof WritesSwitchSchema>,
  correlationId: string,
) {
  await audited(
    deps,
    { action: 'writes.switch', caller, correlationId, ...(input.reason ? { reason: input.reason } : {}) },
    () => deps.limitsStore.setWrites(input.enabled, caller.id),
    () => ({ enabled: input.enabled }),
  );
  await deps.events
    .publish({
      type: input.enabled ? 'service.writes_enabled' : 'service.writes_disabled',
      severity: 'high',
      correlationId,
      details: { caller: callerDetails(caller), ...(input.reason ? { reason: input.reason } : {}) },
    })
    .catch(() => deps.log.warn('could not publish the writes switch event'));
  return await serviceState(deps);
}

/** POST /api/brake/release: lets changes through again and starts the brake's window afresh. */
export async function releaseBrake(
  deps: ServiceControlsDeps,
  caller: Caller,
  input: z.output<typeof BrakeReleaseSchema>,
  correlationId: string,
) {
  const released = await audited(
    deps,
    { action: 'brake.release', caller, correlationId, reason: input.reason },
    () => deps.limitsStore.releaseBrake(caller.id),
    (result) => ({ ...result }),
  );
  if (released.wasEngaged) {
    await deps.events
      .publish({
        type: 'security.brake_released',
        severity: 'high',
        correlationId,
        details: { caller: callerDetails(caller), reason: input.reason, trippedAt: released.trippedAt },
      })
      .catch(() => deps.log.warn('could not publish the brake release event'));
  }
  return { released: released.wasEngaged, ...(await serviceState(deps)) };
}
