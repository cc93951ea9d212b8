import { FailureAggregator, type UserFailures } from '../../../src/lib/detection/aggregate';
import type { MergeOptions } from '../../../src/lib/detection/merge-flag';
import type { SignIn } from '../../../src/lib/detection/sign-in';

/** Detection's thresholds for the merge tests: 3 lockout failures, 1 attack signal, a 3-hour window. */
export const MERGE_OPTIONS: MergeOptions = {
  lockoutThreshold: 3,
  attackThreshold: 1,
  recentLimit: 5,
  horizon: new Date('2026-11-25T08:00:00Z'),
  now: new Date('2026-11-25T11:00:00Z'),
  isProtected: false,
  eventId: (userId, first) => `${userId}|${first}`,
};

/** One user's failures as a detection run aggregates them. */
export function failures(...events: SignIn[]): UserFailures {
  const aggregator = new FailureAggregator(5);
  for (const event of events) aggregator.add(event);
  const [user] = aggregator.results();
  if (!user) throw new Error('no user');
  return user;
}
