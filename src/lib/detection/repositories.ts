import type { FlagCategory, LockoutFlag, LockoutStatus, StoredLockoutFlag } from './lockout-flag';

/** Where the scan stands (the `ScanState` table, one row). */
export interface ScanState {
  /** End of the last fully paged and written window (ISO); absent before the first run. */
  watermark?: string;
  lastRunAt?: string;
  lastOutcome?: ScanOutcome;
  /** `gap`: the watermark fell outside retention; `unlicensed`: Graph refused for lack of P1/P2. */
  condition: 'ok' | 'gap' | 'unlicensed';
  conditionSince?: string;
  lastError?: string;
}

export type ScanOutcome = 'complete' | 'incomplete' | 'superseded' | 'failed' | 'unlicensed';

export interface StoredScanState extends ScanState {
  /** Absent when no row exists yet. */
  etag?: string;
}

export interface ScanStateStore {
  read(): Promise<StoredScanState>;
  /** ETag-guarded (insert when `etag` is absent); false when another run changed it meanwhile. */
  write(state: ScanState, etag: string | undefined): Promise<boolean>;
}

export interface LockoutQuery {
  status?: LockoutStatus;
  category?: FlagCategory;
  /** Flags whose last failure is at or after this instant. */
  since?: Date;
  limit?: number;
  continuationToken?: string;
}

export interface LockoutPage {
  lockouts: StoredLockoutFlag[];
  continuationToken?: string;
}

/** A flag to write: inserted when `etag` is absent, else replaced if still at that ETag. */
export interface FlagWrite {
  flag: LockoutFlag;
  etag: string | undefined;
}

export interface LockoutStore {
  get(userId: string): Promise<StoredLockoutFlag | undefined>;
  /** The flags that exist among these users, by lower-case id. */
  getMany(userIds: readonly string[]): Promise<Map<string, StoredLockoutFlag>>;
  /** By UPN (lower-cased), for `/lockouts/{upn}`. */
  findByUpn(upn: string): Promise<StoredLockoutFlag | undefined>;
  /** Insert when `etag` is absent, else an ETag-guarded replace; false on a lost race. */
  put(flag: LockoutFlag, etag: string | undefined): Promise<StoredLockoutFlag | undefined>;
  /**
   * The same for many flags, in entity-group transactions; results in the order given. A flag
   * that lost its race comes back undefined; the others are written.
   */
  putMany(writes: readonly FlagWrite[]): Promise<(StoredLockoutFlag | undefined)[]>;
  list(query: LockoutQuery): Promise<LockoutPage>;
}

/**
 * One message on `lockout-events` per flag that opened or re-opened, and one when an unresolved
 * lockout flag escalates to `suspected_attack` (a user under attack while already flagged).
 */
export interface LockoutEvent {
  schemaVersion: 1;
  eventId: string;
  type: 'lockout.opened' | 'lockout.reopened' | 'lockout.escalated';
  time: string;
  userId: string;
  userPrincipalName?: string;
  category: FlagCategory;
  protected: boolean;
  lockoutAttempts: number;
  attackAttempts: number;
  firstFailureAt: string;
  lastFailureAt: string;
}

export interface LockoutEventPublisher {
  publish(event: LockoutEvent): Promise<void>;
}

/**
 * A notice for security operations (recovery-events, severity high): the scan is missing events
 * (`detection.gap`, `detection.unlicensed`), or a user denied / reported an MFA prompt they did not
 * start (`security.mfa_attack_suspected`; docs/threat-model.md, "Detection blind spots").
 */
export interface DetectionNotice {
  type: 'detection.gap' | 'detection.unlicensed' | 'security.mfa_attack_suspected';
  /** Stable for one opening of one flag, so a re-sent notice de-duplicates. */
  eventId?: string;
  targetId?: string;
  targetUpn?: string;
  details: Record<string, unknown>;
}
