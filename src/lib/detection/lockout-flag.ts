import type { PostRecoveryAnomaly } from './post-recovery-anomaly';
import type { RecentEvent } from './recent-event';

export const LOCKOUT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type LockoutStatus = (typeof LOCKOUT_STATUSES)[number];
/** What a failed sign-in can be (classify.ts). */
export const LOCKOUT_CATEGORIES = ['lockout', 'suspected_attack'] as const;
/** What a flag can be: a sign-in category, or a registration after a recovery that looks like someone else's. */
export const FLAG_CATEGORIES = [...LOCKOUT_CATEGORIES, 'post_recovery_anomaly'] as const;
export type FlagCategory = (typeof FLAG_CATEGORIES)[number];

/**
 * An earlier, resolved flag of the same user, kept when the flag reopens so reports can count
 * re-lockouts and past recoveries (docs/reports.md).
 */
export interface PastEpisode {
  category: FlagCategory;
  firstFailureAt: string;
  openedAt: string;
  resolvedAt: string;
  ticket?: string;
}

/** One flagged user (the `Lockouts` table). */
export interface LockoutFlag {
  userId: string;
  userPrincipalName?: string;
  category: FlagCategory;
  status: LockoutStatus;
  /** The guard would refuse to act on this user: the flag is information, never a green light. */
  protected: boolean;
  lockoutAttempts: number;
  attackAttempts: number;
  firstFailureAt: string;
  lastFailureAt: string;
  /** Newest first, bounded. */
  recentEvents: RecentEvent[];
  /**
   * Attempts already counted that can still be re-read inside the look-back window, as
   * `<hash>@<epoch seconds>`: a re-read (or a second, overlapping run) never counts one twice.
   */
  countedAttempts: string[];
  openedAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  ticket?: string;
  /** The `eventId` of the queue message sent when this flag (re-)opened. */
  openEventId: string;
  reopenCount: number;
  /** Earlier episodes of this flag, newest first, bounded. */
  pastEpisodes?: PastEpisode[];
  /** The registrations after a recovery that raised this flag (post-recovery-anomaly.ts). */
  anomaly?: PostRecoveryAnomaly;
}

export interface StoredLockoutFlag extends LockoutFlag {
  etag: string;
}
