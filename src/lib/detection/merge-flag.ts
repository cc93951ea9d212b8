import type { UserFailures } from './aggregate';
import { attemptTime, attemptToken, isAttack, type PackedAttempt, tokenId, tokenTime } from './attempt';
import type { LockoutFlag, PastEpisode } from './lockout-flag';
import { mergeRecent } from './recent-event';

export interface MergeOptions {
  lockoutThreshold: number;
  attackThreshold: number;
  recentLimit: number;
  /** Counted attempts older than this cannot be re-read any more and are forgotten. */
  horizon: Date;
  now: Date;
  isProtected: boolean;
  /** The eventId for a flag that opens now (deterministic, so overlapping runs agree on it). */
  eventId: (userId: string, openedFrom: string) => string;
}

/** `escalated`: an unresolved lockout flag became `suspected_attack`, to be announced like an opening. */
export type MergeResult =
  | { kind: 'unchanged' }
  | { kind: 'opened' | 'reopened'; flag: LockoutFlag }
  | { kind: 'updated'; flag: LockoutFlag; escalated: boolean };

/** At most this many counted-attempt keys per flag (≈ 15 K characters, inside a 32 K property). */
export const MAX_COUNTED_ATTEMPTS = 500;

type Entry = [id: string, attempt: PackedAttempt];

/**
 * Past episodes kept per flag. Reports look back at most 92 days and a re-lockout within 7 days of
 * the one before, so ten covers all but the rare user flagged more than ten times a quarter; the
 * bound keeps the row small (≈ 2.5 KB of JSON) for every scan that reads it. The audit trail keeps
 * every action in full.
 */
export const MAX_PAST_EPISODES = 10;

/**
 * A resolved flag's episode history once it reopens: its closing episode first, then the earlier
 * ones, at most MAX_PAST_EPISODES. A resolved flag always has resolvedAt; a row without it was last
 * written when it was resolved, so updatedAt stands in.
 */
export function pastEpisodesOnReopen(previous: LockoutFlag): PastEpisode[] {
  const closed: PastEpisode = {
    category: previous.category,
    firstFailureAt: previous.firstFailureAt,
    openedAt: previous.openedAt,
    resolvedAt: previous.resolvedAt ?? previous.updatedAt,
    ...(previous.ticket === undefined ? {} : { ticket: previous.ticket }),
  };
  return [closed, ...(previous.pastEpisodes ?? [])].slice(0, MAX_PAST_EPISODES);
}

function counts(attempts: readonly Entry[]) {
  let lockout = 0;
  let attack = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const [, attempt] of attempts) {
    if (isAttack(attempt)) attack += 1;
    else lockout += 1;
    first = Math.min(first, attemptTime(attempt));
    last = Math.max(last, attemptTime(attempt));
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');
  return { lockout, attack, first: iso(first), last: iso(last) };
}

function countedTokens(previous: readonly string[], added: readonly Entry[], horizon: Date): string[] {
  const tokens = [...previous, ...added.map(([id, attempt]) => attemptToken(id, attempt))].filter(
    (token) => tokenTime(token) >= horizon.getTime(),
  );
  return [...new Set(tokens)].sort((a, b) => tokenTime(b) - tokenTime(a)).slice(0, MAX_COUNTED_ATTEMPTS);
}

function meetsThreshold(found: ReturnType<typeof counts>, options: MergeOptions) {
  if (found.attack >= options.attackThreshold) return 'suspected_attack' as const;
  if (found.lockout >= options.lockoutThreshold) return 'lockout' as const;
  return undefined;
}

/**
 * Decides what a window's failures do to a user's flag. Pure: the caller writes the result (or
 * nothing, for `unchanged`). Thresholds apply to the failures read in this window; attempts
 * already counted on the flag are skipped, so a re-read window changes nothing.
 */
export function mergeFlag(
  existing: LockoutFlag | undefined,
  failures: UserFailures,
  options: MergeOptions,
): MergeResult {
  const counted = new Set((existing?.countedAttempts ?? []).map(tokenId));
  const fresh = [...failures.attempts].filter(([id]) => !counted.has(id));
  if (fresh.length === 0) return { kind: 'unchanged' };
  const now = options.now.toISOString();
  const upn = failures.userPrincipalName ?? existing?.userPrincipalName;

  const open = (attempts: readonly Entry[], previous?: LockoutFlag): MergeResult => {
    const found = counts(attempts);
    const category = meetsThreshold(found, options);
    if (!category) return { kind: 'unchanged' };
    const since = previous?.resolvedAt ?? '';
    const flag: LockoutFlag = {
      userId: failures.userId,
      ...(upn ? { userPrincipalName: upn } : {}),
      category,
      status: 'open',
      protected: options.isProtected,
      lockoutAttempts: found.lockout,
      attackAttempts: found.attack,
      firstFailureAt: found.first,
      lastFailureAt: found.last,
      recentEvents: failures.recent.filter((event) => event.time > since),
      countedAttempts: countedTokens(previous?.countedAttempts ?? [], fresh, options.horizon),
      openedAt: now,
      updatedAt: now,
      openEventId: options.eventId(failures.userId, found.first),
      reopenCount: previous ? previous.reopenCount + 1 : 0,
      ...(previous ? { pastEpisodes: pastEpisodesOnReopen(previous) } : {}),
    };
    return { kind: previous ? 'reopened' : 'opened', flag };
  };

  if (!existing) return open(fresh);
  if (existing.status === 'resolved') {
    // Only failures after the resolution re-open it; earlier (late-arriving) ones are history.
    const resolvedAt = Date.parse(existing.resolvedAt ?? '') || 0;
    const after = fresh.filter(([, attempt]) => attemptTime(attempt) > resolvedAt);
    return open(after, existing);
  }
  const found = counts(fresh);
  const flag: LockoutFlag = {
    ...existing,
    ...(upn ? { userPrincipalName: upn } : {}),
    category: found.attack > 0 ? 'suspected_attack' : existing.category,
    protected: existing.protected || options.isProtected,
    lockoutAttempts: existing.lockoutAttempts + found.lockout,
    attackAttempts: existing.attackAttempts + found.attack,
    firstFailureAt: found.first < existing.firstFailureAt ? found.first : existing.firstFailureAt,
    lastFailureAt: found.last > existing.lastFailureAt ? found.last : existing.lastFailureAt,
    recentEvents: mergeRecent(existing.recentEvents, failures.recent, options.recentLimit),
    countedAttempts: countedTokens(existing.countedAttempts, fresh, options.horizon),
    updatedAt: now,
  };
  return { kind: 'updated', flag, escalated: existing.category !== flag.category };
}
