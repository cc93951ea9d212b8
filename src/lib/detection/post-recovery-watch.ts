import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import { readAllItems, readPages } from '../graph/paged-reader';
import type { AuditLog } from '../storage/audit-log';
import type { NewRecoveryEvent } from '../storage/recovery-events';
import { mergeAnomaly, type Recovery } from './post-recovery-anomaly';
import {
  baselineOf,
  countriesByAddress,
  type JudgedRegistration,
  judgeRegistrations,
  type SignInOrigin,
} from './post-recovery-rules';
import { recentRecoveries, recoveryCovering } from './recent-recoveries';
import {
  type Registration,
  registrationListPath,
  toRegistration,
  userSignInsPath,
} from './registration-audit';
import type { LockoutStore } from './repositories';
import { SignInSchema } from './sign-in';

export interface PostRecoveryWatchDeps {
  /** The paced reports client the sign-in scan uses: both logs count against the same limit. */
  reportsGraph: Client;
  graphOrigin: string;
  lockouts: Pick<LockoutStore, 'get' | 'put'>;
  audit: Pick<AuditLog, 'list'>;
  publish: (event: NewRecoveryEvent) => Promise<unknown>;
  settings: {
    /** How long after a reset or TAP registrations are watched; 0 = off. */
    watchMs: number;
    /** How far before the recovery the user's sign-ins count as where they usually are. */
    baselineMs: number;
  };
}

export interface WatchReport {
  /** Resets and TAPs whose window overlaps the scan window. */
  recoveries: number;
  /** Registrations read in the scan window, any user. */
  registrations: number;
  /** Users in a window with a registration in the scan window, judged. */
  users: number;
  raised: number;
  /** False when the time budget stopped the watch before every user was judged. */
  complete: boolean;
}

/** Far more than one user's registrations or sign-ins in a day; a list longer than this is not read whole. */
const MAX_USER_PAGES = 20;
const MAX_WRITE_ATTEMPTS = 5;

/**
 * Runs inside a lockout scan, over the same window: reads the tenant's "User registered security
 * info" audits, and for each user who registered inside the watch window of a recent reset or TAP,
 * reads their registrations in that window, their successful sign-ins before the recovery (where
 * they usually are) and since (where the registering address is), judges them
 * (post-recovery-rules.ts), and raises a `post_recovery_anomaly` flag and a high-severity event for
 * what has not raised before. docs/post-recovery-watch.md has the rule.
 */
export async function watchRecoveries(
  deps: PostRecoveryWatchDeps,
  window: { start: Date; end: Date },
  options: { deadline: number; now: () => Date },
): Promise<WatchReport> {
  const report: WatchReport = { recoveries: 0, registrations: 0, users: 0, raised: 0, complete: true };
  const { watchMs } = deps.settings;
  if (watchMs <= 0) return report;
  const recoveries = (await recentRecoveries(deps.audit, new Date(window.start.getTime() - watchMs))).filter(
    (recovery) => Date.parse(recovery.time) <= window.end.getTime(),
  );
  report.recoveries = recoveries.length;
  // Nobody is watched: no request at all.
  if (recoveries.length === 0) return report;

  const watched = new Map<string, Recovery>();
  const first: unknown = await deps.reportsGraph.api(registrationListPath(window)).get();
  const reader = { graph: deps.reportsGraph, graphOrigin: deps.graphOrigin, clientRequestId: randomUUID() };
  for await (const page of readPages(reader, first, { what: 'The registration audit list' })) {
    for (const item of page.items) {
      const registration = toRegistration(item);
      if (!registration) continue;
      report.registrations += 1;
      const recovery = recoveryCovering(recoveries, registration.userId, registration.time, watchMs);
      if (recovery) watched.set(`${recovery.userId}|${recovery.auditId}`, recovery);
    }
    if (page.hasNext && options.now().getTime() >= options.deadline) {
      report.complete = false;
      return report;
    }
  }

  for (const recovery of watched.values()) {
    if (options.now().getTime() >= options.deadline) {
      report.complete = false;
      break;
    }
    report.users += 1;
    report.raised += await judgeUser(deps, recovery, window.end, options.now);
  }
  return report;
}

async function readList(deps: PostRecoveryWatchDeps, path: string, what: string): Promise<unknown[]> {
  const first: unknown = await deps.reportsGraph.api(path).get();
  const reader = { graph: deps.reportsGraph, graphOrigin: deps.graphOrigin, clientRequestId: randomUUID() };
  return await readAllItems(reader, first, { what, maxPages: MAX_USER_PAGES });
}

function origins(items: readonly unknown[]): SignInOrigin[] {
  return items.flatMap((item) => {
    const parsed = SignInSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Judges one user's watch window; returns how many registrations raised now. */
async function judgeUser(
  deps: PostRecoveryWatchDeps,
  recovery: Recovery,
  scanEnd: Date,
  now: () => Date,
): Promise<number> {
  const opened = new Date(recovery.time);
  const closes = new Date(Math.min(opened.getTime() + deps.settings.watchMs, scanEnd.getTime()));
  const userId = recovery.userId;
  const registrations = new Map<string, Registration>();
  for (const item of await readList(
    deps,
    registrationListPath({ start: opened, end: closes, userId }),
    "The user's registration audits",
  )) {
    const registration = toRegistration(item);
    if (registration?.userId === userId) registrations.set(registration.id, registration);
  }
  if (registrations.size === 0) return 0;
  const before = await readList(
    deps,
    userSignInsPath({ userId, start: new Date(opened.getTime() - deps.settings.baselineMs), end: opened }),
    "The user's sign-ins before the recovery",
  );
  const since = await readList(
    deps,
    userSignInsPath({ userId, start: opened, end: scanEnd }),
    "The user's sign-ins since the recovery",
  );
  const anomalous = judgeRegistrations(
    [...registrations.values()],
    baselineOf(origins(before)),
    countriesByAddress(origins(since)),
  );
  if (anomalous.length === 0) return 0;
  return await raise(deps, recovery, anomalous, now);
}

/**
 * The event first, then the flag (ETag-guarded, re-read on a lost race): if the write is lost, the
 * next run sends the same eventId again and consumers dedupe; if the send fails, nothing is written
 * and the watermark stays.
 */
async function raise(
  deps: PostRecoveryWatchDeps,
  recovery: Recovery,
  anomalous: readonly JudgedRegistration[],
  now: () => Date,
): Promise<number> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    const existing = await deps.lockouts.get(recovery.userId);
    const merged = mergeAnomaly(existing, { recovery, anomalous, now: now() });
    if (merged.kind === 'unchanged') return 0;
    await deps.publish({
      type: 'security.post_recovery_anomaly',
      severity: 'high',
      eventId: merged.eventId,
      targetId: recovery.userId,
      ...(merged.flag.userPrincipalName ? { targetUpn: merged.flag.userPrincipalName } : {}),
      correlationId: `detection-${merged.eventId}`,
      details: {
        flag: merged.kind,
        category: merged.flag.category,
        recovery: { action: recovery.action, auditId: recovery.auditId, time: recovery.time },
        registrations: merged.raised,
      },
    });
    if (await deps.lockouts.put(merged.flag, existing?.etag)) return merged.raised.length;
  }
  throw new Error(
    `Lockout flag for ${recovery.userId} kept changing; gave up after ${MAX_WRITE_ATTEMPTS} attempts.`,
  );
}
