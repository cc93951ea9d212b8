import { attemptId, isAttack, mergeAttempts, packAttempt, type PackedAttempt } from './attempt';
import { classifySignIn, type LockoutCategory } from './classify';
import { type RecentEvent, toRecentEvent } from './recent-event';
import type { SignIn } from './sign-in';

export interface UserFailures {
  userId: string;
  userPrincipalName?: string;
  /** Attempt id (see attempt.ts) → the attempt, packed. */
  attempts: Map<string, PackedAttempt>;
  /** Newest first, at most the limit, one per sign-in id. */
  recent: RecentEvent[];
}

/** How many attempts are lockouts and how many attacks. */
export function countAttempts(attempts: Iterable<PackedAttempt>): { lockout: number; attack: number } {
  let lockout = 0;
  let attack = 0;
  for (const packed of attempts) {
    if (isAttack(packed)) attack += 1;
    else lockout += 1;
  }
  return { lockout, attack };
}

const MAX_SHARED_TEXTS = 10_000;

/**
 * Folds a stream of failed sign-ins into per-user attempts. Memory is a packed number per attempt
 * plus a bounded list of recent events per user: an event that repeats an attempt (Graph's
 * near-identical events, the same sign-in id read twice, a re-read look-back) adds nothing, and an
 * event older than a full recent list is dropped before anything is built for it.
 */
export class FailureAggregator {
  private readonly users = new Map<string, UserFailures>();
  private readonly texts = new Map<string, string>();
  events = 0;
  attempts = 0;

  constructor(private readonly recentLimit: number) {}

  add(signIn: SignIn): void {
    this.events += 1;
    const userId = signIn.userId.toLowerCase();
    let user = this.users.get(userId);
    if (!user) {
      user = { userId, attempts: new Map(), recent: [] };
      this.users.set(userId, user);
    }
    if (!user.userPrincipalName && signIn.userPrincipalName)
      user.userPrincipalName = signIn.userPrincipalName;
    const category = classifySignIn(signIn);
    const timeMs = Date.parse(signIn.createdDateTime);
    const id = attemptId(signIn);
    const attempt = packAttempt(timeMs, category === 'suspected_attack');
    const known = user.attempts.get(id);
    if (known === undefined) this.attempts += 1;
    user.attempts.set(id, known === undefined ? attempt : mergeAttempts(known, attempt));
    this.keepRecent(user, signIn, timeMs, category);
  }

  private keepRecent(user: UserFailures, signIn: SignIn, timeMs: number, category: LockoutCategory): void {
    const { recent } = user;
    const oldest = recent[recent.length - 1];
    if (recent.length >= this.recentLimit && oldest && timeMs <= Date.parse(oldest.time)) return;
    if (recent.some((event) => event.id === signIn.id)) return;
    const event = this.interned(toRecentEvent(signIn, category));
    // Newest first; among equal times the first one read stays first.
    const at = recent.findIndex((other) => other.time < event.time);
    recent.splice(at === -1 ? recent.length : at, 0, event);
    if (recent.length > this.recentLimit) recent.pop();
  }

  /**
   * The texts Graph repeats (reasons, details, apps, places) shared rather than held once per
   * kept event, as JSON parsing gives each event its own copy.
   */
  private interned(event: RecentEvent): RecentEvent {
    for (const key of ['failureReason', 'details', 'app', 'clientApp', 'location'] as const) {
      const text = event[key];
      if (text === undefined) continue;
      const shared = this.texts.get(text);
      if (shared !== undefined) event[key] = shared;
      else if (this.texts.size < MAX_SHARED_TEXTS) this.texts.set(text, text);
    }
    return event;
  }

  /** Every user with at least one failure in the window. */
  results(): UserFailures[] {
    return [...this.users.values()];
  }
}
