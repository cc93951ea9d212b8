import type { FlagCategory, LockoutFlag } from '../detection/lockout-flag';
import type { AuditEntry } from '../storage/audit-log';

/** The actions that get a locked-out user back in (each resolves the user's open lockout flag). */
const RECOVERY_ACTIONS = ['mfa.reset', 'tap.issue', 'mfa.recover'] as const;
/** What resolved a lockout: a recovery action, or a person closing the flag. */
export type ResolvingAction = (typeof RECOVERY_ACTIONS)[number] | 'lockout.resolve';
/** The guard's refusal codes for a protected target (src/lib/guard/decision.ts). */
const PROTECTED_REFUSAL_CODES: ReadonlySet<string> = new Set(['protected_account', 'break_glass_account']);
const RE_LOCKOUT_WINDOW_MS = 7 * 86_400_000;

/** One flagged episode of one user: a flag's current one, or one of its past episodes. Times in epoch ms. */
export interface Episode {
  userId: string;
  category: FlagCategory;
  firstFailureAt: number;
  openedAt: number;
  /** Absent while the episode is open or acknowledged. */
  resolvedAt?: number;
}

/** An episode placed in the user's history: how a resolved lockout was resolved, and whether it is a re-lockout. */
export interface ReportedEpisode extends Episode {
  resolution?: { action: ResolvingAction; at: number };
  /** A lockout opened within 7 days of the user's previous lockout being resolved. */
  reLockout: boolean;
}

/** What the report needs of one audit entry: a succeeded resolving action, or a refusal of a protected target. */
export type AuditFact =
  | { kind: 'resolving'; action: ResolvingAction; userId: string; at: number }
  | { kind: 'protected_refusal'; at: number };

export interface LockoutHistory {
  episodes: readonly ReportedEpisode[];
  /** When protected targets were refused, epoch ms. */
  protectedRefusals: readonly number[];
}

/**
 * A flag's episodes: the current one and its past ones. A resolved flag without resolvedAt was
 * last written when it was resolved (nothing updates a resolved flag), so updatedAt stands in.
 */
export function episodesOf(flag: LockoutFlag): Episode[] {
  const userId = flag.userId.toLowerCase();
  const current: Episode = {
    userId,
    category: flag.category,
    firstFailureAt: Date.parse(flag.firstFailureAt),
    openedAt: Date.parse(flag.openedAt),
    ...(flag.status === 'resolved' ? { resolvedAt: Date.parse(flag.resolvedAt ?? flag.updatedAt) } : {}),
  };
  const past = (flag.pastEpisodes ?? []).map(
    (episode): Episode => ({
      userId,
      category: episode.category,
      firstFailureAt: Date.parse(episode.firstFailureAt),
      openedAt: Date.parse(episode.openedAt),
      resolvedAt: Date.parse(episode.resolvedAt),
    }),
  );
  // An episode that cannot be placed in time cannot be placed in a period.
  return [current, ...past].filter((episode) => Number.isFinite(episode.openedAt));
}

const isRecoveryAction = (action: string): action is (typeof RECOVERY_ACTIONS)[number] =>
  (RECOVERY_ACTIONS as readonly string[]).includes(action);

/**
 * The part of an audit entry the report uses, or undefined for any other entry. A dry-run reset
 * is audited as succeeded but changes nothing, so it resolves nothing.
 */
export function auditFactOf(entry: AuditEntry): AuditFact | undefined {
  const at = Date.parse(entry.time);
  if (!Number.isFinite(at)) return undefined;
  if (entry.outcome === 'refused') {
    return entry.code !== undefined && PROTECTED_REFUSAL_CODES.has(entry.code)
      ? { kind: 'protected_refusal', at }
      : undefined;
  }
  if (entry.outcome !== 'succeeded' || entry.targetId === undefined || entry.summary?.dryRun === true) {
    return undefined;
  }
  if (!isRecoveryAction(entry.action) && entry.action !== 'lockout.resolve') return undefined;
  return { kind: 'resolving', action: entry.action, userId: entry.targetId.toLowerCase(), at };
}

/**
 * Places every episode in its user's history. A resolved lockout's resolving action is the first
 * succeeded reset, TAP or recovery of the user between the flag opening and its resolution (both
 * included); else the first succeeded `lockout.resolve` in that window; else, for a flag closed
 * without an audit row (data from before the audit, or a lost audit write), `lockout.resolve` at
 * resolvedAt.
 */
export function lockoutHistory(episodes: readonly Episode[], facts: readonly AuditFact[]): LockoutHistory {
  const actionsByUser = new Map<string, Extract<AuditFact, { kind: 'resolving' }>[]>();
  const protectedRefusals: number[] = [];
  for (const fact of facts) {
    if (fact.kind === 'protected_refusal') {
      protectedRefusals.push(fact.at);
      continue;
    }
    const actions = actionsByUser.get(fact.userId) ?? [];
    actions.push(fact);
    actionsByUser.set(fact.userId, actions);
  }
  for (const actions of actionsByUser.values()) actions.sort((a, b) => a.at - b.at);

  const previousResolved = previousLockoutResolutions(episodes);
  const reported = episodes.map((episode): ReportedEpisode => {
    const previous = previousResolved.get(episode);
    const reLockout =
      episode.category === 'lockout' &&
      previous !== undefined &&
      episode.openedAt - previous >= 0 &&
      episode.openedAt - previous <= RE_LOCKOUT_WINDOW_MS;
    if (episode.category !== 'lockout' || episode.resolvedAt === undefined) return { ...episode, reLockout };
    const { openedAt, resolvedAt } = episode;
    const candidates = (actionsByUser.get(episode.userId) ?? []).filter(
      ({ at }) => at >= openedAt && at <= resolvedAt,
    );
    const found =
      candidates.find(({ action }) => isRecoveryAction(action)) ??
      candidates.find(({ action }) => action === 'lockout.resolve');
    const resolution = found
      ? { action: found.action, at: found.at }
      : { action: 'lockout.resolve' as const, at: resolvedAt };
    return { ...episode, resolution, reLockout };
  });
  return { episodes: reported, protectedRefusals };
}

/** For each lockout episode, when the same user's previous lockout (by opening) was resolved, if it was. */
function previousLockoutResolutions(episodes: readonly Episode[]): Map<Episode, number | undefined> {
  const byUser = new Map<string, Episode[]>();
  for (const episode of episodes) {
    if (episode.category !== 'lockout') continue;
    const list = byUser.get(episode.userId) ?? [];
    list.push(episode);
    byUser.set(episode.userId, list);
  }
  const previous = new Map<Episode, number | undefined>();
  for (const list of byUser.values()) {
    list.sort((a, b) => a.openedAt - b.openedAt);
    list.forEach((episode, index) => previous.set(episode, list[index - 1]?.resolvedAt));
  }
  return previous;
}
