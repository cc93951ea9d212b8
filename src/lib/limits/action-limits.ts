import { setTimeout as sleep } from 'node:timers/promises';

import { callerDetails } from '../auth/caller';
import { AppError } from '../http/problem';
import type { GuardTarget } from '../recovery/action-guard';
import type { ActionRequest } from '../recovery/run-action';
import type { EventPublisher } from '../storage/recovery-events';
import { recordBrakeEngaged } from '../telemetry/records';
import { type CountedAs, decide, type LimitDecision, type LimitSettings, type LimitSnapshot } from './ledger';
import type { LimitsStore } from './limits-store';

/**
 * The kill switch, the brake and the rate limits of every mutating call (docs/limits.md). `begin`
 * starts the one Table query beside the guard's Graph look-ups; `admit`, once the guard has
 * resolved the target, reserves the call's slots in one ETag-guarded transaction before anything in
 * the tenant changes, or returns the refusal to answer with.
 */
export interface ActionLimits {
  begin(request: ActionRequest): PendingLimits;
}

export interface PendingLimits {
  /** Undefined when the call may go ahead (its slots are taken); else the refusal, already reported. */
  admit(target: GuardTarget): Promise<AppError | undefined>;
}

export interface ActionLimitsDeps {
  store: LimitsStore;
  settings: LimitSettings;
  events: EventPublisher;
  log: { warn(message: string): void };
  now?: () => number;
}

/**
 * Every race lost re-reads the rows and decides again. Concurrent calls on one row are served one
 * per round, and once the brake is engaged the rest are refused without a write, so a burst ends
 * well inside this many rounds.
 */
const MAX_ROUNDS = 40;

type Read = { ok: true; snapshot: LimitSnapshot } | { ok: false; error: unknown };

/** A reset that only plans changes nothing, so it counts as an ordinary call, not a recovery. */
export function countedAs(request: Pick<ActionRequest, 'action' | 'input'>): CountedAs {
  if (request.action === 'tap.issue') return 'tap';
  if (request.action === 'mfa.recover') return 'recover';
  if (request.action === 'mfa.reset' && (request.input as { dryRun?: boolean }).dryRun !== true)
    return 'reset';
  return 'other';
}

const unavailable = (cause: unknown) =>
  new AppError('limits_unavailable', 'The limits store (Table Storage) could not be read or updated.', {
    cause,
  });

export function createActionLimits(deps: ActionLimitsDeps): ActionLimits {
  const { store, settings, events, log, now = Date.now } = deps;

  async function publish(event: Parameters<EventPublisher['publish']>[0]): Promise<void> {
    await events
      .publish(event)
      .catch((error: unknown) =>
        log.warn(`could not publish ${event.type} event: ${error instanceof Error ? error.name : 'unknown'}`),
      );
  }

  const eventFields = (request: ActionRequest, target: GuardTarget) => ({
    action: request.action,
    targetId: target.id,
    targetUpn: target.userPrincipalName,
    ticket: request.input.ticket,
    correlationId: request.correlationId,
  });

  async function refusal(
    decision: Extract<LimitDecision, { kind: 'refuse' }>,
    request: ActionRequest,
    target: GuardTarget,
  ): Promise<AppError> {
    if (decision.code === 'target_rate_limited' || decision.code === 'caller_rate_limited') {
      await publish({
        type: 'recovery.action.refused',
        severity: 'high',
        outcome: 'refused',
        ...eventFields(request, target),
        details: { code: decision.code, caller: callerDetails(request.caller) },
      });
      return new AppError(decision.code, decision.detail, { retryAfterSeconds: decision.retryAfterSeconds });
    }
    return new AppError(decision.code, decision.detail);
  }

  async function admit(
    request: ActionRequest,
    counted: CountedAs,
    target: GuardTarget,
    first: Promise<Read>,
  ): Promise<AppError | undefined> {
    const callerId = request.caller.id;
    const targetId = target.id.toLowerCase();
    const read = await first;
    if (!read.ok) return unavailable(read.error);
    let snapshot = read.snapshot;
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        // A target named by UPN was not read: assume it has no row yet. If it has, the insert in the
        // transaction fails, and the next round reads it.
        const decision = decide(
          { ...snapshot, target: snapshot.target ?? { taps: [], resets: [] } },
          { countedAs: counted, targetId, now: now() },
          settings,
        );
        if (decision.kind === 'refuse') return await refusal(decision, request, target);
        if (decision.kind === 'trip') {
          if (await store.commit({ callerId, targetId, brake: decision.brake })) {
            // Only the call whose write engaged the brake reports it: one event per trip.
            recordBrakeEngaged({
              action: request.action,
              correlationId: request.correlationId,
              targetId: target.id,
              distinctUsers: decision.distinctUsers,
              brakeUsers: settings.brakeUsers,
              windowMinutes: settings.brakeWindowMs / 60_000,
            });
            await publish({
              type: 'security.brake_engaged',
              severity: 'high',
              outcome: 'refused',
              ...eventFields(request, target),
              details: {
                caller: callerDetails(request.caller),
                distinctUsers: decision.distinctUsers,
                brakeUsers: settings.brakeUsers,
                windowMinutes: settings.brakeWindowMs / 60_000,
              },
            });
            return new AppError(
              'brake_engaged',
              `This call would make ${decision.distinctUsers} distinct users reset or given a TAP within ${settings.brakeWindowMs / 60_000} minutes (the brake allows ${settings.brakeUsers}); the brake is now engaged until a Recovery.Admin caller releases it.`,
            );
          }
        } else if (
          await store.commit({
            callerId,
            targetId,
            ...(decision.caller ? { caller: decision.caller } : {}),
            ...(decision.target ? { target: decision.target } : {}),
            ...(decision.brake ? { brake: decision.brake } : {}),
          })
        ) {
          return undefined;
        }
        // Lost a race: spread the retries a little so the same callers do not collide again.
        await sleep(Math.floor(Math.random() * 5 * (round + 1)));
        snapshot = await store.read({ callerId, ...(counted === 'other' ? {} : { targetId }) });
      }
    } catch (error) {
      return unavailable(error);
    }
    return unavailable(new Error(`lost ${MAX_ROUNDS} races for the limits rows`));
  }

  return {
    begin(request) {
      const counted = countedAs(request);
      const named = request.user.kind === 'id' && counted !== 'other' ? { targetId: request.user.id } : {};
      const first: Promise<Read> = settings.writesEnabled
        ? store.read({ callerId: request.caller.id, ...named, writesOnly: !settings.enabled }).then(
            (snapshot) => ({ ok: true as const, snapshot }),
            (error: unknown) => ({ ok: false as const, error }),
          )
        : // Switched off by configuration: nothing to read, every call is refused.
          Promise.resolve({
            ok: true as const,
            snapshot: {
              writes: { enabled: false },
              brake: { engaged: false, recent: [] },
              caller: { calls: [] },
              target: undefined,
            },
          });
      return { admit: (target) => admit(request, counted, target, first) };
    },
  };
}
