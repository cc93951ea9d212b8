import { createHash } from 'node:crypto';

import type { Attempt, UserFailures } from './aggregate';
import type { LockoutFlag } from './lockout-flag';
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

export type MergeResult =
  { kind: 'unchanged' } | { kind: 'opened' | 'reopened' | 'updated'; flag: LockoutFlag };

/** At most this many counted-attempt keys per flag (≈ 15 K characters, inside a 32 K property). */
export const MAX_COUNTED_ATTEMPTS = 500;

export function attemptToken(attempt: Attempt): string {
  const hash = createHash('sha256').update(attempt.key).digest('base64url').slice(0, 16);
  return `${hash}@${Math.floor(new Date(attempt.time).getTime() / 1000)}`;
}

const tokenTime = (token: string) => Number(token.slice(token.indexOf('@') + 1)) * 1000;

function counts(attempts: readonly Attempt[]) {
  let lockout = 0;
  let attack = 0;
  let first: string | undefined;
  let last: string | undefined;
  for (const attempt of attempts) {
    if (attempt.category === 'suspected_attack') attack += 1;
    else lockout += 1;
    if (first === undefined || attempt.time < first) first = attempt.time;
    if (last === undefined || attempt.time > last) last = attempt.time;
  }
  return { lockout, attack, first: first ?? '', last: last ?? '' };
}

function countedTokens(previous: readonly string[], added: readonly Attempt[], horizon: Date): string[] {
  const tokens = [...previous, ...added.map(attemptToken)].filter(
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
  const counted = new Set(existing?.countedAttempts ?? []);
  const fresh = [...failures.attempts.values()].filter((attempt) => !counted.has(attemptToken(attempt)));
  if (fresh.length === 0) return { kind: 'unchanged' };
  const now = options.now.toISOString();
  const upn = failures.userPrincipalName ?? existing?.userPrincipalName;

  const open = (attempts: readonly Attempt[], previous?: LockoutFlag): MergeResult => {
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
      recentEvents: mergeRecent(
        [],
        failures.recent.filter((event) => event.time > since),
        options.recentLimit,
      ),
      countedAttempts: countedTokens(previous?.countedAttempts ?? [], fresh, options.horizon),
      openedAt: now,
      updatedAt: now,
      openEventId: options.eventId(failures.userId, found.first),
      reopenCount: previous ? previous.reopenCount + 1 : 0,
    };
    return { kind: previous ? 'reopened' : 'opened', flag };
  };

  if (!existing) return open(fresh);
  if (existing.status === 'resolved') {
    // Only failures after the resolution re-open it; earlier (late-arriving) ones are history.
    const after = fresh.filter((attempt) => attempt.time > (existing.resolvedAt ?? ''));
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
  return { kind: 'updated', flag };
}
