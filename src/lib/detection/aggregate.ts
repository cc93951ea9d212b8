import { classifySignIn, type LockoutCategory } from './classify';
import { mergeRecent, type RecentEvent, toRecentEvent } from './recent-event';
import type { SignIn } from './sign-in';

/** One attempt: the several near-identical events Graph publishes for one sign-in count once. */
export interface Attempt {
  /** `c:<correlationId>`, or `i:<sign-in id>` when Graph gave no correlation id. */
  key: string;
  time: string;
  category: LockoutCategory;
}

export interface UserFailures {
  userId: string;
  userPrincipalName?: string;
  /** By attempt key; an attempt seen as an attack in any of its events is an attack. */
  attempts: Map<string, Attempt>;
  /** Newest first, bounded. */
  recent: RecentEvent[];
}

/**
 * Folds a stream of failed sign-ins into per-user attempts, in memory bounded by users × attempts
 * (not by events: duplicates and re-reads of the look-back window add nothing).
 */
export class FailureAggregator {
  private readonly seenIds = new Set<string>();
  private readonly users = new Map<string, UserFailures>();
  /** Pending recent events per user, merged in batches so a burst costs no sort per event. */
  private readonly pending = new Map<string, RecentEvent[]>();
  events = 0;
  duplicates = 0;

  constructor(private readonly recentLimit: number) {}

  add(signIn: SignIn): void {
    this.events += 1;
    if (this.seenIds.has(signIn.id)) {
      this.duplicates += 1;
      return;
    }
    this.seenIds.add(signIn.id);
    const userId = signIn.userId.toLowerCase();
    let user = this.users.get(userId);
    if (!user) {
      user = { userId, attempts: new Map(), recent: [] };
      this.users.set(userId, user);
    }
    if (!user.userPrincipalName && signIn.userPrincipalName)
      user.userPrincipalName = signIn.userPrincipalName;
    const category = classifySignIn(signIn);
    const time = new Date(signIn.createdDateTime).toISOString();
    const key = signIn.correlationId ? `c:${signIn.correlationId.toLowerCase()}` : `i:${signIn.id}`;
    const existing = user.attempts.get(key);
    if (!existing) {
      user.attempts.set(key, { key, time, category });
    } else {
      if (category === 'suspected_attack') existing.category = 'suspected_attack';
      if (time < existing.time) existing.time = time;
    }
    const pending = this.pending.get(userId) ?? [];
    pending.push(toRecentEvent(signIn, category));
    this.pending.set(userId, pending);
    if (pending.length >= this.recentLimit) this.flush(userId);
  }

  private flush(userId: string): void {
    const pending = this.pending.get(userId);
    const user = this.users.get(userId);
    if (!pending || !user) return;
    user.recent = mergeRecent(user.recent, pending, this.recentLimit);
    this.pending.delete(userId);
  }

  /** Every user with at least one failure in the window. */
  results(): UserFailures[] {
    for (const userId of [...this.pending.keys()]) this.flush(userId);
    return [...this.users.values()];
  }
}
