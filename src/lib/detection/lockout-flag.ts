import type { LockoutCategory } from './classify';
import type { RecentEvent } from './recent-event';

export const LOCKOUT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type LockoutStatus = (typeof LOCKOUT_STATUSES)[number];
export const LOCKOUT_CATEGORIES = ['lockout', 'suspected_attack'] as const;

/** One flagged user (the `Lockouts` table). */
export interface LockoutFlag {
  userId: string;
  userPrincipalName?: string;
  category: LockoutCategory;
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
}

export interface StoredLockoutFlag extends LockoutFlag {
  etag: string;
}
