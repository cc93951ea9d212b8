import type { Config } from '../config';

/**
 * The counters as read from the Limits table (docs/limits.md, "Table layout"). Each list holds the
 * epoch-ms instants of the actions still inside its window; `etag` is absent for a row not yet
 * written. A row that was not read at all (the target, when the user was named by UPN) is undefined.
 */
export interface LimitSnapshot {
  writes: { enabled: boolean; etag?: string };
  brake: BrakeRow;
  caller: { calls: number[]; etag?: string };
  target: TargetRow | undefined;
}

export interface BrakeRow {
  engaged: boolean;
  trippedAt?: string;
  /** Distinct users reset or given a TAP inside the brake window, each with its latest instant. */
  recent: { user: string; at: number }[];
  etag?: string;
}

export interface TargetRow {
  taps: number[];
  resets: number[];
  etag?: string;
}

export type LimitSettings = Config['limits'];

/**
 * What a call counts as: a TAP or a reset (not a dry run) also counts against its target and the
 * brake; a one-call recovery (reset and TAP) counts as both.
 */
export type CountedAs = 'tap' | 'reset' | 'recover' | 'other';

export interface LimitAttempt {
  countedAs: CountedAs;
  targetId: string;
  now: number;
}

export type LimitDecision =
  | { kind: 'refuse'; code: 'service_disabled' | 'brake_engaged'; detail: string }
  | {
      kind: 'refuse';
      code: 'target_rate_limited' | 'caller_rate_limited';
      detail: string;
      retryAfterSeconds: number;
    }
  /** This call is one user too many: engage the brake (and refuse it). */
  | { kind: 'trip'; brake: BrakeRow; distinctUsers: number }
  /** Admit the call, writing these rows (undefined: unchanged). */
  | { kind: 'admit'; caller?: LimitSnapshot['caller']; target?: TargetRow; brake?: BrakeRow };

const within = (instants: number[], now: number, windowMs: number) =>
  instants.filter((at) => at > now - windowMs);

/** Seconds until the oldest counted instant leaves its window, at least 1. */
const secondsUntilFree = (instants: number[], now: number, windowMs: number) =>
  Math.max(1, Math.ceil((Math.min(...instants) + windowMs - now) / 1000));

/**
 * Decides one mutating call from the counters it read, in order: the kill switch, the brake, the
 * caller's hourly count, the target's 24-hour count, then the brake's window of distinct users.
 * Pure: the store applies the writes it returns, ETag-guarded, and decides again if it lost a race.
 */
export function decide(
  snapshot: LimitSnapshot,
  attempt: LimitAttempt,
  settings: LimitSettings,
): LimitDecision {
  const { now, countedAs, targetId } = attempt;
  if (!settings.writesEnabled || !snapshot.writes.enabled) {
    return {
      kind: 'refuse',
      code: 'service_disabled',
      detail: settings.writesEnabled
        ? 'An administrator has switched changes off (PUT /api/service/writes).'
        : 'Changes are switched off by RECOVERY_WRITES_ENABLED=false.',
    };
  }
  if (!settings.enabled) return { kind: 'admit' };
  if (snapshot.brake.engaged) {
    return {
      kind: 'refuse',
      code: 'brake_engaged',
      detail: `The brake engaged at ${snapshot.brake.trippedAt ?? 'an unknown time'}: too many users were recovered at once. A Recovery.Admin caller must release it (POST /api/brake/release).`,
    };
  }

  const calls = within(snapshot.caller.calls, now, settings.callerWindowMs);
  if (calls.length >= settings.callerCallsPerWindow) {
    return {
      kind: 'refuse',
      code: 'caller_rate_limited',
      detail: `This caller has made ${calls.length} changes in the last hour; the limit is ${settings.callerCallsPerWindow}.`,
      retryAfterSeconds: secondsUntilFree(calls, now, settings.callerWindowMs),
    };
  }
  const caller = { calls: [...calls, now], ...etagOf(snapshot.caller) };
  if (countedAs === 'other') return { kind: 'admit', caller };

  const target = snapshot.target ?? { taps: [], resets: [] };
  const taps = within(target.taps, now, settings.targetWindowMs);
  const resets = within(target.resets, now, settings.targetWindowMs);
  const countsTap = countedAs !== 'reset';
  const countsReset = countedAs !== 'tap';
  const counters: [boolean, number[], number, string][] = [
    [countsReset, resets, settings.resetsPerTarget, 'MFA resets'],
    [countsTap, taps, settings.tapsPerTarget, 'Temporary Access Passes'],
  ];
  for (const [applies, counted, limit, noun] of counters) {
    if (!applies || counted.length < limit) continue;
    return {
      kind: 'refuse',
      code: 'target_rate_limited',
      detail: `This user has had ${counted.length} ${noun} in the last ${settings.targetWindowMs / 3_600_000} h; the limit is ${limit}.`,
      retryAfterSeconds: secondsUntilFree(counted, now, settings.targetWindowMs),
    };
  }
  const nextTarget: TargetRow = {
    taps: countsTap ? [...taps, now] : taps,
    resets: countsReset ? [...resets, now] : resets,
    ...etagOf(target),
  };

  const inWindow = snapshot.brake.recent.filter((entry) => entry.at > now - settings.brakeWindowMs);
  const others = inWindow.filter((entry) => entry.user !== targetId);
  // A user already in the window is not one more: recovering them again only refreshes the instant.
  if (others.length === inWindow.length && others.length >= settings.brakeUsers) {
    return {
      kind: 'trip',
      distinctUsers: others.length + 1,
      brake: {
        engaged: true,
        trippedAt: new Date(now).toISOString(),
        recent: inWindow,
        ...etagOf(snapshot.brake),
      },
    };
  }
  const brake: BrakeRow = {
    engaged: false,
    recent: [...others, { user: targetId, at: now }],
    ...etagOf(snapshot.brake),
  };
  return { kind: 'admit', caller, target: nextTarget, brake };
}

const etagOf = (row: { etag?: string }) => (row.etag === undefined ? {} : { etag: row.etag });
