import type { FlagCategory } from '../../src/lib/detection/lockout-flag';
import type { Random } from './random';

/**
 * The lockout history as it happened: episodes (a flag opening and, usually, its resolution) and
 * refusals of protected targets. Pure and deterministic; seed-history.ts writes it.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** The report's window for a re-lockout: flagged within 7 days of the previous resolution. */
export const RE_LOCKOUT_WINDOW_MS = 7 * DAY;

export interface HistoryUser {
  id: string;
  userPrincipalName: string;
}

export type RecoveryAction = 'mfa.reset' | 'tap.issue' | 'mfa.recover';

export interface Resolution {
  by: RecoveryAction | 'lockout.resolve';
  caller: 'helpdesk' | 'securityOps';
  ticket: string;
  /** The audit row's time (the attempt started). */
  startedAt: Date;
  /** When it completed; the flag's resolvedAt. */
  completedAt: Date;
  /** An earlier attempt of the same action that failed (Graph unavailable), minutes before. */
  failedAttemptAt?: Date;
}

export interface Episode {
  user: HistoryUser;
  category: FlagCategory;
  protected: boolean;
  firstFailureAt: Date;
  lastFailureAt: Date;
  openedAt: Date;
  lockoutAttempts: number;
  attackAttempts: number;
  /** Week index (0 = oldest) of openedAt. */
  week: number;
  acknowledged?: { at: Date; ticket: string };
  resolution?: Resolution;
  /** Flagged within 7 days of this user's previous lockout being resolved. */
  reLockout: boolean;
  /** post_recovery_anomaly only: the recovery (the user's previous episode) it followed. */
  anomalyAfter?: Episode;
  /** post_recovery_anomaly only: the registrations that raised it. */
  registrations?: { at: Date; country: string; ipAddress: string; method: string }[];
}

export interface Refusal {
  user: HistoryUser;
  action: RecoveryAction;
  code: 'protected_account' | 'break_glass_account';
  at: Date;
  week: number;
  ticket: string;
}

export interface LockoutPlan {
  episodes: Episode[];
  refusals: Refusal[];
}

export interface LockoutPlanInput {
  now: Date;
  weeks: number;
  random: Random;
  /** Ordinary users (demo tenant and synthetic), first come first flagged. */
  users: readonly HistoryUser[];
  protectedTargets: readonly { user: HistoryUser; code: Refusal['code'] }[];
}

const RECOVERY_ACTIONS: readonly RecoveryAction[] = [
  'mfa.recover',
  'mfa.recover',
  'mfa.recover',
  'tap.issue',
  'tap.issue',
  'mfa.reset',
];
const COUNTRIES = ['NG', 'RU', 'BR', 'VN', 'RO'];
const ANOMALY_METHODS = ['microsoftAuthenticator', 'phone', 'softwareOath'];

const at = (ms: number) => new Date(Math.round(ms / 1000) * 1000);

export function planLockouts(input: LockoutPlanInput): LockoutPlan {
  const { now, weeks, random } = input;
  const nowMs = now.getTime();
  const weekStart = (week: number) => nowMs - (weeks - week) * WEEK;
  const weekOf = (ms: number) => Math.min(weeks - 1, Math.floor((ms - weekStart(0)) / WEEK));
  let ticketNumber = 10_000 + random.int(0, 999);
  const ticket = () => `INC00${(ticketNumber += random.int(1, 40))}`;

  // When each flag opens: fewer lockouts as registration improves, attacks now and then.
  const openings: { openedAt: number; category: FlagCategory; keepOpen?: boolean }[] = [];
  for (let week = 0; week < weeks; week += 1) {
    const progress = weeks === 1 ? 1 : week / (weeks - 1);
    const lockouts = Math.round(14 - 6 * progress) + random.int(-2, 2);
    for (let i = 0; i < lockouts; i += 1) {
      openings.push({ openedAt: weekStart(week) + random.between(0, WEEK), category: 'lockout' });
    }
    if (random.chance(0.4)) {
      openings.push({ openedAt: weekStart(week) + random.between(0, WEEK), category: 'suspected_attack' });
    }
  }
  // An attack still open now, for the dashboard's "now".
  openings.push({
    openedAt: nowMs - random.between(3 * HOUR, 30 * HOUR),
    category: 'suspected_attack',
    keepOpen: true,
  });
  // Lockouts still waiting for the user to reach the helpdesk.
  for (const hoursAgo of [random.between(0.3, 2), random.between(2, 8), random.between(8, 20)]) {
    openings.push({ openedAt: nowMs - hoursAgo * HOUR, category: 'lockout', keepOpen: true });
  }
  openings.sort((a, b) => a.openedAt - b.openedAt);

  const latest = new Map<string, Episode>();
  const episodes: Episode[] = [];
  let fresh = 0;
  const freshUser = (): HistoryUser => {
    const user = input.users[fresh % input.users.length];
    fresh += 1;
    if (user === undefined) throw new Error('the history needs users');
    return user;
  };
  /** Users whose last lockout was resolved 1 h to 6 days before `openedAt`. */
  const reLockable = (openedAt: number) =>
    [...latest.values()].filter((episode) => {
      const resolved = episode.resolution?.completedAt.getTime();
      return (
        episode.category === 'lockout' &&
        resolved !== undefined &&
        resolved < openedAt - HOUR &&
        openedAt - resolved < 6 * DAY
      );
    });
  const available = (user: HistoryUser, openedAt: number) => {
    const previous = latest.get(user.id);
    const resolved = previous?.resolution?.completedAt.getTime();
    return previous === undefined || (resolved !== undefined && openedAt - resolved > RE_LOCKOUT_WINDOW_MS);
  };

  for (const opening of openings) {
    const week = weekOf(opening.openedAt);
    let user: HistoryUser | undefined;
    let reLockout = false;
    if (opening.category === 'lockout' && random.chance(0.12)) {
      const candidates = reLockable(opening.openedAt);
      if (candidates.length > 0) {
        user = random.pick(candidates).user;
        reLockout = true;
      }
    }
    for (let tries = 0; user === undefined && tries < input.users.length; tries += 1) {
      const candidate = freshUser();
      if (available(candidate, opening.openedAt)) user = candidate;
    }
    if (user === undefined) continue;

    const attack = opening.category === 'suspected_attack';
    const delay = attack
      ? random.between(4 * MINUTE, 20 * MINUTE)
      : random.chance(0.15)
        ? random.between(HOUR, 3 * HOUR)
        : random.between(4 * MINUTE, 45 * MINUTE);
    const openedAt = at(opening.openedAt);
    const firstFailureAt = at(opening.openedAt - delay);
    const episode: Episode = {
      user,
      category: opening.category,
      protected: false,
      firstFailureAt,
      lastFailureAt: at(firstFailureAt.getTime() + random.between(MINUTE, Math.min(delay, 30 * MINUTE))),
      openedAt,
      lockoutAttempts: attack ? random.int(0, 2) : random.int(3, 9),
      attackAttempts: attack ? random.int(1, 4) : 0,
      week,
      reLockout,
    };

    // Time to recover: a median of 6 h in the oldest week, shrinking by a quarter each week.
    const median = 6 * HOUR * 0.75 ** week;
    const waitingForUser = nowMs - openedAt.getTime() < 36 * HOUR && random.chance(0.25);
    const recoverIn = attack
      ? random.between(30 * MINUTE, 8 * HOUR)
      : Math.max(3 * MINUTE, median * Math.exp(random.between(-0.8, 0.8)));
    const completedAt = openedAt.getTime() + recoverIn;
    if (opening.keepOpen !== true && !waitingForUser && completedAt < nowMs) {
      const byPerson = attack || random.chance(0.12);
      const startedAt = at(completedAt - random.between(2_000, 8_000));
      episode.resolution = {
        by: byPerson ? 'lockout.resolve' : random.pick(RECOVERY_ACTIONS),
        caller: attack ? 'securityOps' : 'helpdesk',
        ticket: ticket(),
        startedAt,
        completedAt: at(completedAt),
        ...(!byPerson && random.chance(0.1)
          ? { failedAttemptAt: at(startedAt.getTime() - random.between(2 * MINUTE, 10 * MINUTE)) }
          : {}),
      };
    } else if (nowMs - openedAt.getTime() > HOUR && random.chance(0.5)) {
      episode.acknowledged = {
        at: at(openedAt.getTime() + random.between(5 * MINUTE, 40 * MINUTE)),
        ticket: ticket(),
      };
    }
    latest.set(user.id, episode);
    episodes.push(episode);
  }

  episodes.push(...planAnomalies(input, latest, weekOf, ticket));
  return { episodes, refusals: planRefusals(input, weekStart, ticket) };
}

/**
 * A few registrations after a recovery that look like someone else's (a new country): each follows a
 * recovery that is its user's latest episode, in about every fourth week and in the last one.
 */
function planAnomalies(
  input: LockoutPlanInput,
  latest: Map<string, Episode>,
  weekOf: (ms: number) => number,
  ticket: () => string,
): Episode[] {
  const { random, weeks, now } = input;
  const anomalies: Episode[] = [];
  const wanted = new Set(
    [...Array.from({ length: weeks }, (_, week) => week)].filter((week) => week % 4 === 2),
  );
  wanted.add(weeks - 1);
  for (const week of wanted) {
    const candidates = [...latest.values()].filter(
      (episode) =>
        episode.category === 'lockout' &&
        episode.resolution !== undefined &&
        episode.resolution.by !== 'lockout.resolve' &&
        episode.week === week &&
        episode.resolution.completedAt.getTime() < now.getTime() - 6 * HOUR,
    );
    if (candidates.length === 0) continue;
    const recovery = random.pick(candidates);
    const recovered = recovery.resolution?.completedAt.getTime() ?? 0;
    const registeredAt = at(recovered + random.between(10 * MINUTE, 4 * HOUR));
    const openedAt = at(registeredAt.getTime() + random.between(4 * MINUTE, 15 * MINUTE));
    const anomaly: Episode = {
      user: recovery.user,
      category: 'post_recovery_anomaly',
      protected: false,
      firstFailureAt: registeredAt,
      lastFailureAt: registeredAt,
      openedAt,
      lockoutAttempts: 0,
      attackAttempts: 0,
      week: weekOf(openedAt.getTime()),
      reLockout: false,
      anomalyAfter: recovery,
      registrations: [
        {
          at: registeredAt,
          country: random.pick(COUNTRIES),
          ipAddress: `203.0.113.${random.int(1, 254)}`,
          method: random.pick(ANOMALY_METHODS),
        },
      ],
    };
    const closedAt = openedAt.getTime() + random.between(HOUR, 10 * HOUR);
    if (week < weeks - 1 && closedAt < now.getTime()) {
      anomaly.resolution = {
        by: 'lockout.resolve',
        caller: 'securityOps',
        ticket: ticket(),
        startedAt: at(closedAt - 3_000),
        completedAt: at(closedAt),
      };
    }
    latest.set(recovery.user.id, anomaly);
    anomalies.push(anomaly);
  }
  return anomalies;
}

/** Helpdesk attempts on protected accounts, refused by the guard: none to two a week. */
function planRefusals(
  input: LockoutPlanInput,
  weekStart: (week: number) => number,
  ticket: () => string,
): Refusal[] {
  const { random, weeks, now } = input;
  const refusals: Refusal[] = [];
  for (let week = 0; week < weeks; week += 1) {
    for (let i = random.int(0, 2); i > 0; i -= 1) {
      const time = weekStart(week) + random.between(0, WEEK);
      if (time >= now.getTime()) continue;
      const target = random.pick(input.protectedTargets);
      refusals.push({
        user: target.user,
        code: target.code,
        action: random.pick(RECOVERY_ACTIONS),
        at: at(time),
        week,
        ticket: ticket(),
      });
    }
  }
  return refusals;
}
