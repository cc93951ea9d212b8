import type { AtRiskClass, RegistrationAudience, RegistrationClass } from './classify';

/** Users per class, for each audience (members, guests and protected accounts apart). */
export type ClassCounts = Record<RegistrationAudience, Partial<Record<RegistrationClass, number>>>;

/** How many complete snapshots are kept for the trend unless REGISTRATION_SNAPSHOTS_KEPT says otherwise. */
export const DEFAULT_SNAPSHOTS_KEPT = 90;

export const emptyCounts = (): ClassCounts => ({ member: {}, guest: {}, protected: {} });

/** One user of an at-risk class in a snapshot. */
export interface AtRiskUser {
  userId: string;
  userPrincipalName: string;
  displayName?: string;
  audience: RegistrationAudience;
  class: AtRiskClass;
  methodsRegistered: readonly string[];
  /** Only for sms_voice_only: the day the methods stop working. */
  telephonyEnds?: string;
}

export interface SnapshotSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  users: number;
  counts: ClassCounts;
}

/**
 * Where scans keep their snapshots. Rows of a run are written first, then `commit` switches the
 * current snapshot to it in one ETag-guarded write: a reader sees the old snapshot or the new
 * one, never half of either, and an interrupted run is never switched to.
 */
export interface RegistrationSnapshotStore {
  /** The current snapshot's run id and the ETag to switch from (undefined: none yet). */
  current(): Promise<{ runId: string; etag: string } | undefined>;
  begin(runId: string, startedAt: string): Promise<void>;
  /** Idempotent (upserts), so a retried page is harmless. */
  writeAtRisk(runId: string, users: readonly AtRiskUser[]): Promise<void>;
  /** The user's class in a run, if it was an at-risk one. */
  atRiskClass(runId: string, userId: string): Promise<RegistrationClass | undefined>;
  /**
   * Claims the one notice for a user newly at risk since `sinceRunId` (the snapshot current when
   * the run began): false if a run from the same snapshot already claimed it.
   */
  claimNotice(sinceRunId: string | undefined, userId: string, cls: RegistrationClass): Promise<boolean>;
  releaseNotice(sinceRunId: string | undefined, userId: string): Promise<void>;
  /** Switches to the run; false if another run switched first (the ETag moved). */
  commit(summary: SnapshotSummary, fromEtag: string | undefined): Promise<boolean>;
  /**
   * Deletes complete snapshots beyond the newest kept ones (REGISTRATION_SNAPSHOTS_KEPT) and runs
   * that never completed; returns how many.
   */
  prune(): Promise<number>;
  /** The kept complete snapshots, oldest first, the current one last; empty before the first scan. */
  listSnapshots(): Promise<SnapshotSummary[]>;
  /**
   * One page of a kept snapshot's users of one at-risk class, in object id order; undefined when
   * the run is not (or no longer) a kept complete snapshot. `continuationToken` is the one a
   * previous page of the same run and class returned.
   */
  listAtRisk(
    runId: string,
    cls: AtRiskClass,
    page: { limit: number; continuationToken?: string },
  ): Promise<AtRiskPage | undefined>;
}

export interface AtRiskPage {
  users: AtRiskUser[];
  /** Table Storage's token for the next page; absent on the last one. */
  continuationToken?: string;
}
