import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import { forEachLimited } from '../concurrency';
import { describeGraphFailure, isLicenceError } from '../detection/detect-lockouts';
import type { ProtectedLookup } from '../detection/protected-users';
import type { NewRecoveryEvent } from '../storage/recovery-events';
import {
  classifyRegistration,
  isAtRisk,
  type RegistrationAudience,
  type RegistrationClass,
  type TelephonyProvider,
} from './classify';
import { type RegistrationDetails, streamRegistrationDetails } from './registration-details';
import { type AtRiskUser, emptyCounts, type RegistrationSnapshotStore } from './snapshot';

export interface ScanRegistrationDeps {
  /** Paced with the sign-in scan: both share the reports limit. */
  reportsGraph: Client;
  graphOrigin: string;
  /** Reads the tenant's protected population; called once per run. */
  protectedLookup: () => Promise<ProtectedLookup>;
  snapshots: RegistrationSnapshotStore;
  publish: (event: NewRecoveryEvent) => Promise<unknown>;
  settings: { telephonyProvider: TelephonyProvider; telephonyRetirement: Date; timeBudgetMs: number };
  now?: () => Date;
}

export interface ScanRegistrationReport {
  /** complete: switched to the new snapshot; anything else left the previous one current. */
  outcome: 'complete' | 'incomplete' | 'superseded' | 'unlicensed' | 'failed';
  runId: string;
  pages: number;
  users: number;
  atRisk: number;
  /** registration.at_risk events sent (users newly in an at-risk class). */
  notified: number;
  malformed: number;
  pruned: number;
  error?: string;
}

/** Point reads of the previous snapshot and notice writes in flight at once. */
const STORAGE_CONCURRENCY = 16;

function audienceOf(row: RegistrationDetails, protectedIds: ReadonlySet<string>): RegistrationAudience {
  if (protectedIds.has(row.id.toLowerCase())) return 'protected';
  return row.userType?.toLowerCase() === 'guest' ? 'guest' : 'member';
}

/**
 * One scan (docs/registration.md): streams the registration report a page at a time, classifies
 * each user, writes the at-risk ones into a new snapshot and, only once every page is in, switches
 * to it. A user at risk who wasn't in the previous snapshot (or was in another class) gets one
 * `registration.at_risk` event.
 */
export async function scanRegistration(deps: ScanRegistrationDeps): Promise<ScanRegistrationReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  // Sortable by start time (prune keeps the newest); unique across instances.
  const runId = `${startedAt.toISOString().replace(/[:.]/g, '')}-${randomUUID().slice(0, 8)}`;
  const report: ScanRegistrationReport = {
    outcome: 'failed',
    runId,
    pages: 0,
    users: 0,
    atRisk: 0,
    notified: 0,
    malformed: 0,
    pruned: 0,
  };
  const counts = emptyCounts();
  const context = {
    telephonyProvider: deps.settings.telephonyProvider,
    telephonyRetirement: deps.settings.telephonyRetirement,
    now: startedAt,
  };

  try {
    const previous = await deps.snapshots.current();
    await deps.snapshots.begin(runId, startedAt.toISOString());
    // Privileged accounts change rarely within a run; one read serves every page.
    const isProtected = await deps.protectedLookup();

    const notify = async (user: AtRiskUser, previousClass: RegistrationClass | undefined) => {
      if (!(await deps.snapshots.claimNotice(previous?.runId, user.userId, user.class))) return;
      try {
        await deps.publish({
          type: 'registration.at_risk',
          severity: 'info',
          targetId: user.userId,
          targetUpn: user.userPrincipalName,
          correlationId: `registration-${runId}`,
          details: {
            class: user.class,
            ...(previousClass === undefined ? {} : { previousClass }),
            audience: user.audience,
            methodsRegistered: user.methodsRegistered,
            ...(user.telephonyEnds === undefined ? {} : { telephonyEnds: user.telephonyEnds }),
          },
        });
      } catch (error) {
        // Unclaimed, so the next run tries again.
        await deps.snapshots.releaseNotice(previous?.runId, user.userId).catch(() => undefined);
        throw error;
      }
      report.notified += 1;
    };

    const onPage = async (rows: RegistrationDetails[]) => {
      const protectedIds = isProtected(rows.map((row) => row.id));
      const atRisk: AtRiskUser[] = [];
      for (const row of rows) {
        const audience = audienceOf(row, protectedIds);
        const result = classifyRegistration(
          { methodsRegistered: row.methodsRegistered ?? [], isMfaCapable: row.isMfaCapable },
          context,
        );
        counts[audience][result.class] = (counts[audience][result.class] ?? 0) + 1;
        if (!isAtRisk(result.class)) continue;
        atRisk.push({
          userId: row.id,
          userPrincipalName: row.userPrincipalName,
          ...(row.userDisplayName ? { displayName: row.userDisplayName } : {}),
          audience,
          class: result.class,
          methodsRegistered: row.methodsRegistered ?? [],
          ...(result.telephonyEnds === undefined ? {} : { telephonyEnds: result.telephonyEnds }),
        });
      }
      report.pages += 1;
      report.users += rows.length;
      report.atRisk += atRisk.length;
      await deps.snapshots.writeAtRisk(runId, atRisk);
      await forEachLimited(atRisk, STORAGE_CONCURRENCY, async (user) => {
        const before =
          previous === undefined ? undefined : await deps.snapshots.atRiskClass(previous.runId, user.userId);
        if (before !== user.class) await notify(user, before);
      });
    };

    const streamed = await streamRegistrationDetails(deps.reportsGraph, {
      origin: deps.graphOrigin,
      deadline: startedAt.getTime() + deps.settings.timeBudgetMs,
      now: () => now().getTime(),
      onPage,
    });
    report.malformed = streamed.malformed;
    if (!streamed.complete) {
      report.outcome = 'incomplete';
      return report;
    }
    const switched = await deps.snapshots.commit(
      {
        runId,
        startedAt: startedAt.toISOString(),
        finishedAt: now().toISOString(),
        users: report.users,
        counts,
      },
      previous?.etag,
    );
    report.outcome = switched ? 'complete' : 'superseded';
    report.pruned = await deps.snapshots.prune();
    return report;
  } catch (error) {
    report.outcome = isLicenceError(error) ? 'unlicensed' : 'failed';
    report.error =
      error instanceof Error && error.name !== 'GraphError' ? error.message : describeGraphFailure(error);
    return report;
  }
}
