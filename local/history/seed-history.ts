import { TableClient } from '@azure/data-tables';

import { forEachLimited } from '../../src/lib/concurrency';
import type {
  FlagCategory,
  LockoutFlag,
  LockoutStatus,
  PastEpisode,
} from '../../src/lib/detection/lockout-flag';
import type { RecentEvent } from '../../src/lib/detection/recent-event';
import { type ClassCounts, DEFAULT_SNAPSHOTS_KEPT } from '../../src/lib/registration/snapshot';
import { createTableSnapshotStore } from '../../src/lib/registration/table-snapshot-store';
import { type AuditAttempt, type AuditEntry, createTableAuditLog } from '../../src/lib/storage/audit-log';
import { createTableLockoutStore } from '../../src/lib/storage/lockouts';
import { createTableSource, TABLES } from '../../src/lib/storage/tables';
import { DEMO_CALLER_CLIENT_ID, DEMO_CALLERS } from '../identity';
import { type Episode, type HistoryUser, planLockouts, type Refusal, WEEK } from './lockout-plan';
import { demoParts, demoTenantUsers } from './population';
import { type Random, seededRandom } from './random';
import { planSnapshots } from './registration-plan';
import { stagedAuditTable } from './staged-audit';
import { syntheticUsers } from './synthetic-users';

export interface SeedHistoryOptions {
  storageConnectionString: string;
  weeks: number;
  now: Date;
  /** The PRNG seed: the same seed and `now` write the same history. */
  seed?: number;
}

type ResolvingAction = 'mfa.reset' | 'tap.issue' | 'mfa.recover' | 'lockout.resolve';

/** What one week (by the flag's openedAt, the refusal's or the snapshot's time) holds. */
export interface WeekSummary {
  week: number;
  from: string;
  to: string;
  /** `lockout` flags opened this week: opened = resolved + open (open or acknowledged now). */
  lockouts: { opened: number; resolved: number; open: number };
  /** First failed sign-in → flag, for this week's lockouts, in seconds, in opening order. */
  detectionDelaySeconds: number[];
  /** Flag → resolution (the flag's resolvedAt), for this week's resolved lockouts, in seconds. */
  timeToRecoverSeconds: number[];
  resolutionsByAction: Partial<Record<ResolvingAction, number>>;
  /** Lockouts flagged within 7 days of the same user's previous lockout being resolved. */
  reLockoutsWithin7Days: number;
  suspectedAttacks: number;
  postRecoveryAnomalies: number;
  protectedRefusals: number;
  /** The registration snapshot taken at the start of the week. */
  snapshot: { runId: string; startedAt: string; users: number; counts: ClassCounts; atRisk: number };
}

export interface HistorySummary {
  from: string;
  to: string;
  weeks: WeekSummary[];
  flags: {
    total: number;
    byStatus: Record<LockoutStatus, number>;
    byCategory: Record<FlagCategory, number>;
    /** Flags not resolved now (open or acknowledged), per category: what the dashboard counts as open now. */
    unresolvedByCategory: Record<FlagCategory, number>;
    /** Episodes kept on flags as pastEpisodes (each an earlier, resolved flag of the same user). */
    pastEpisodes: number;
  };
  /** Audit rows by action and outcome. */
  audit: { total: number; byAction: Record<string, Record<string, number>> };
  snapshots: { total: number; latestRunId: string };
  /** Wall time of the writes. */
  durationMs: number;
}

const DEFAULT_SEED = 12;
const SNAPSHOT_WRITES_AT_ONCE = 12;
const VERIFICATION_METHODS = ['video_call', 'callback_to_number_on_record', 'manager_approval', 'in_person'];

export class HistoryAlreadySeededError extends Error {
  constructor(what: string) {
    super(`This storage already holds ${what}: history is seeded once, into fresh storage.`);
    this.name = 'HistoryAlreadySeededError';
  }
}

/** Successive instants for the audit log's clock: the attempt's start, then its completion. */
function clock(...times: Date[]): () => Date {
  let next = 0;
  return () => {
    const time = times[Math.min(next, times.length - 1)];
    next += 1;
    if (time === undefined) throw new Error('a clock needs a time');
    return time;
  };
}

const seconds = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 1000);
const iso = (date: Date) => date.toISOString();

function recentEvents(episode: Episode, random: Random): RecentEvent[] {
  const attempts = Math.min(episode.lockoutAttempts + episode.attackAttempts, 10);
  const span = episode.lastFailureAt.getTime() - episode.firstFailureAt.getTime();
  return Array.from({ length: attempts }, (_, i): RecentEvent => {
    const attack = i < episode.attackAttempts;
    const time = new Date(
      episode.firstFailureAt.getTime() + (attempts === 1 ? 0 : (span * i) / (attempts - 1)),
    );
    return {
      id: random.guid(),
      time: iso(time),
      category: attack ? 'suspected_attack' : 'lockout',
      errorCode: 500121,
      failureReason: 'Authentication failed during strong authentication request.',
      details: attack
        ? 'MFA denied; user declined the authentication'
        : 'MFA denied; user did not respond to mobile app notification',
      app: 'OfficeHome',
      clientApp: 'Browser',
      ipAddress: attack ? `198.51.100.${random.int(1, 254)}` : `192.0.2.${random.int(1, 254)}`,
      location: attack ? 'Lagos, Lagos, NG' : 'Redmond, Washington, US',
    };
  }).sort((a, b) => b.time.localeCompare(a.time));
}

function pastEpisode(episode: Episode): PastEpisode {
  const resolution = episode.resolution;
  if (resolution === undefined) throw new Error('only a resolved episode can be a past one');
  return {
    category: episode.category,
    firstFailureAt: iso(episode.firstFailureAt),
    openedAt: iso(episode.openedAt),
    resolvedAt: iso(resolution.completedAt),
    ticket: resolution.ticket,
  };
}

/** The user's flag: the latest episode, the earlier ones kept newest first. */
function flagOf(
  episodes: readonly Episode[],
  recoveries: ReadonlyMap<Episode, AuditEntry>,
  random: Random,
): LockoutFlag {
  const ordered = [...episodes].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const latest = ordered[ordered.length - 1];
  if (latest === undefined) throw new Error('a flag needs an episode');
  const past = ordered.slice(0, -1).reverse().map(pastEpisode);
  const resolution = latest.resolution;
  const status: LockoutStatus = resolution ? 'resolved' : latest.acknowledged ? 'acknowledged' : 'open';
  const updatedAt = resolution?.completedAt ?? latest.acknowledged?.at ?? latest.openedAt;
  const flag: LockoutFlag = {
    userId: latest.user.id,
    userPrincipalName: latest.user.userPrincipalName,
    category: latest.category,
    status,
    protected: latest.protected,
    lockoutAttempts: latest.lockoutAttempts,
    attackAttempts: latest.attackAttempts,
    firstFailureAt: iso(latest.firstFailureAt),
    lastFailureAt: iso(latest.lastFailureAt),
    recentEvents: recentEvents(latest, random),
    countedAttempts: [],
    openedAt: iso(latest.openedAt),
    updatedAt: iso(updatedAt),
    openEventId: random.guid(),
    reopenCount: past.length,
  };
  if (latest.acknowledged) flag.acknowledgedAt = iso(latest.acknowledged.at);
  if (resolution) flag.resolvedAt = iso(resolution.completedAt);
  const ticket = resolution?.ticket ?? latest.acknowledged?.ticket;
  if (ticket !== undefined) flag.ticket = ticket;
  if (past.length > 0) flag.pastEpisodes = past;
  const recovered = latest.anomalyAfter && recoveries.get(latest.anomalyAfter);
  if (latest.anomalyAfter?.resolution && recovered) {
    flag.anomaly = {
      recovery: {
        auditId: recovered.id,
        action: latest.anomalyAfter.resolution.by as 'mfa.reset' | 'tap.issue' | 'mfa.recover',
        time: recovered.time,
      },
      registrations: (latest.registrations ?? []).map((registration) => ({
        id: random.guid(),
        time: iso(registration.at),
        ipAddress: registration.ipAddress,
        country: registration.country,
        method: registration.method,
        reasons: ['new_country'],
      })),
    };
  }
  return flag;
}

/**
 * Writes weeks of lockout flags, recoveries, refusals and registration snapshots into fresh
 * storage through the app's own stores, each at its historical time (local/history/README.md). Refuses
 * storage that already holds audit rows or a registration snapshot.
 */
export async function seedHistory(options: SeedHistoryOptions): Promise<HistorySummary> {
  const started = performance.now();
  const { now, weeks } = options;
  if (!Number.isInteger(weeks) || weeks < 1) throw new Error('weeks must be a whole number from 1');
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const tables = createTableSource((name) =>
    TableClient.fromConnectionString(options.storageConnectionString, name, {
      allowInsecureConnection: true,
    }),
  );
  const auditTable = () => tables(TABLES.audit);
  const staging = stagedAuditTable();
  const lockouts = createTableLockoutStore({ table: () => tables(TABLES.lockouts) });
  const snapshots = createTableSnapshotStore({
    table: () => tables(TABLES.registrationSnapshots),
    snapshotsKept: DEFAULT_SNAPSHOTS_KEPT,
  });

  if ((await createTableAuditLog({ table: auditTable }).list({ limit: 1 })).entries.length > 0)
    throw new HistoryAlreadySeededError('audit entries');
  if ((await snapshots.current()) !== undefined)
    throw new HistoryAlreadySeededError('a registration snapshot');

  // The plan first, all from the one random source, so the same seed plans the same history.
  const tenant = demoTenantUsers(now);
  const parts = demoParts();
  const byUpn = (upn: string | undefined) => tenant.find((user) => user.userPrincipalName === upn);
  const ordinary = tenant.filter((user) => user.audience === 'member');
  const domain = parts.ordinaryUser?.split('@')[1] ?? 'contoso.onmicrosoft.com';
  const users: HistoryUser[] = [...ordinary, ...syntheticUsers(random, 120, domain)].map((user) => ({
    id: user.id,
    userPrincipalName: user.userPrincipalName,
  }));
  const protectedTargets = [
    { upn: parts.globalAdministrator, code: 'protected_account' as const },
    { upn: parts.protectedGroupMember, code: 'protected_account' as const },
    { upn: parts.eligibleGlobalAdministrator, code: 'protected_account' as const },
    { upn: parts.breakGlass, code: 'break_glass_account' as const },
  ].flatMap(({ upn, code }) => {
    const user = byUpn(upn);
    return user ? [{ user: { id: user.id, userPrincipalName: user.userPrincipalName }, code }] : [];
  });
  const plan = planLockouts({ now, weeks, random, users, protectedTargets });
  const plannedSnapshots = planSnapshots({ now, weeks, random, users: tenant });

  const caller = (who: 'helpdesk' | 'securityOps') => ({
    caller: `user:${DEMO_CALLERS[who].oid}`,
    callerName: DEMO_CALLERS[who].name,
    callerAppId: DEMO_CALLER_CLIENT_ID,
  });
  const attemptOn = (
    user: HistoryUser,
    action: AuditAttempt['action'],
    who: 'helpdesk' | 'securityOps',
    ticket: string,
  ): AuditAttempt => ({
    action,
    ...caller(who),
    targetId: user.id,
    targetUpn: user.userPrincipalName,
    ticket,
    correlationId: random.guid(),
    ...(action === 'lockout.resolve' || action === 'lockout.acknowledge'
      ? {}
      : {
          verification: {
            method: random.pick(VERIFICATION_METHODS),
            reference: 'Identity checked on a Teams call',
          },
        }),
  });

  // Each audit row through the audit log, its clock set to the row's historical times.
  type AuditWrite = () => Promise<AuditEntry>;
  const auditWrites: AuditWrite[] = [];
  const recoveries = new Map<Episode, AuditEntry>();
  const auditCounts: Record<string, Record<string, number>> = {};
  const countAudit = (action: string, outcome: string) => {
    const perOutcome = (auditCounts[action] ??= {});
    perOutcome[outcome] = (perOutcome[outcome] ?? 0) + 1;
  };
  for (const episode of plan.episodes) {
    const { resolution, acknowledged, user } = episode;
    const category = episode.category;
    if (acknowledged) {
      const attempt = attemptOn(user, 'lockout.acknowledge', 'helpdesk', acknowledged.ticket);
      countAudit(attempt.action, 'succeeded');
      auditWrites.push(async () => {
        const log = createTableAuditLog({
          table: staging.table,
          now: clock(acknowledged.at, new Date(acknowledged.at.getTime() + 1_000)),
        });
        return await log.complete(await log.start(attempt), {
          outcome: 'succeeded',
          summary: { category, from: 'open', to: 'acknowledged' },
        });
      });
    }
    if (!resolution) continue;
    if (resolution.failedAttemptAt) {
      const failedAt = resolution.failedAttemptAt;
      const attempt = attemptOn(user, resolution.by, resolution.caller, resolution.ticket);
      countAudit(attempt.action, 'failed');
      auditWrites.push(async () => {
        const log = createTableAuditLog({
          table: staging.table,
          now: clock(failedAt, new Date(failedAt.getTime() + 20_000)),
        });
        return await log.complete(await log.start(attempt), {
          outcome: 'failed',
          code: 'graph_unavailable',
          detail: 'Graph answered 503 Service Unavailable.',
        });
      });
    }
    const attempt = attemptOn(user, resolution.by, resolution.caller, resolution.ticket);
    countAudit(attempt.action, 'succeeded');
    auditWrites.push(async () => {
      const log = createTableAuditLog({
        table: staging.table,
        now: clock(resolution.startedAt, resolution.completedAt),
      });
      const entry = await log.complete(await log.start(attempt), {
        outcome: 'succeeded',
        ...(resolution.by === 'lockout.resolve'
          ? { summary: { category, from: episode.acknowledged ? 'acknowledged' : 'open', to: 'resolved' } }
          : {}),
      });
      if (resolution.by !== 'lockout.resolve') recoveries.set(episode, entry);
      return entry;
    });
  }
  for (const refusal of plan.refusals) {
    const attempt = attemptOn(refusal.user, refusal.action, 'helpdesk', refusal.ticket);
    countAudit(attempt.action, 'refused');
    auditWrites.push(
      async () =>
        await createTableAuditLog({ table: staging.table, now: clock(refusal.at) }).refused(
          attempt,
          refusal.code,
          refusalDetail(refusal),
        ),
    );
  }

  // Each run's rows first, all at once (runs apart). Then every run but the newest commits from
  // the empty pointer, at once: one switches and the others are superseded, as overlapping scans
  // would be (all complete, in the trend); the newest then switches from whichever won.
  const summaryOf = (snapshot: (typeof plannedSnapshots)[number]) => ({
    runId: snapshot.runId,
    startedAt: iso(snapshot.startedAt),
    finishedAt: iso(snapshot.finishedAt),
    users: snapshot.users,
    counts: snapshot.counts,
  });
  const writeSnapshots = async () => {
    await forEachLimited(plannedSnapshots, SNAPSHOT_WRITES_AT_ONCE, async (snapshot) => {
      await snapshots.begin(snapshot.runId, iso(snapshot.startedAt));
      await snapshots.writeAtRisk(snapshot.runId, snapshot.atRisk);
    });
    const newest = plannedSnapshots[plannedSnapshots.length - 1];
    await forEachLimited(plannedSnapshots.slice(0, -1), SNAPSHOT_WRITES_AT_ONCE, async (snapshot) => {
      await snapshots.commit(summaryOf(snapshot), undefined);
    });
    if (newest && !(await snapshots.commit(summaryOf(newest), (await snapshots.current())?.etag)))
      throw new HistoryAlreadySeededError('a registration scan running meanwhile');
  };
  // The audit rows are made in memory first: the flags need the recoveries' audit ids (an
  // anomaly names the recovery it followed). Then everything goes to storage at once.
  for (const write of auditWrites) await write();
  const byUser = new Map<string, Episode[]>();
  for (const episode of plan.episodes)
    byUser.set(episode.user.id, [...(byUser.get(episode.user.id) ?? []), episode]);
  const flags = [...byUser.values()].map((episodes) => flagOf(episodes, recoveries, random));
  const writeFlags = async () => {
    const written = await lockouts.putMany(flags.map((flag) => ({ flag, etag: undefined })));
    const taken = flags.filter((_, index) => written[index] === undefined);
    if (taken.length > 0)
      throw new HistoryAlreadySeededError(`lockout flags (${taken.map((flag) => flag.userId).join(', ')})`);
  };
  await Promise.all([writeSnapshots(), staging.flush(await auditTable()), writeFlags()]);

  return summarize({
    now,
    weeks,
    episodes: plan.episodes,
    refusals: plan.refusals,
    flags,
    snapshots: plannedSnapshots,
    audit: auditCounts,
    durationMs: Math.round(performance.now() - started),
  });
}

function refusalDetail(refusal: Refusal): string {
  return refusal.code === 'break_glass_account'
    ? 'This is a break-glass account: no recovery action may touch it.'
    : 'The account holds a protected directory role or group membership.';
}

function summarize(input: {
  now: Date;
  weeks: number;
  episodes: readonly Episode[];
  refusals: readonly Refusal[];
  flags: readonly LockoutFlag[];
  snapshots: ReturnType<typeof planSnapshots>;
  audit: Record<string, Record<string, number>>;
  durationMs: number;
}): HistorySummary {
  const { now, weeks } = input;
  const start = (week: number) => new Date(now.getTime() - (weeks - week) * WEEK);
  const ordered = [...input.episodes].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const weekSummaries = Array.from({ length: weeks }, (_, week): WeekSummary => {
    const opened = ordered.filter((episode) => episode.week === week);
    const lockouts = opened.filter((episode) => episode.category === 'lockout');
    const resolved = lockouts.filter((episode) => episode.resolution !== undefined);
    const resolutionsByAction: WeekSummary['resolutionsByAction'] = {};
    for (const episode of resolved) {
      const by = episode.resolution?.by;
      if (by !== undefined) resolutionsByAction[by] = (resolutionsByAction[by] ?? 0) + 1;
    }
    const snapshot = input.snapshots[week];
    if (snapshot === undefined) throw new Error(`no snapshot for week ${week}`);
    return {
      week,
      from: iso(start(week)),
      to: iso(start(week + 1)),
      lockouts: {
        opened: lockouts.length,
        resolved: resolved.length,
        open: lockouts.length - resolved.length,
      },
      detectionDelaySeconds: lockouts.map((episode) => seconds(episode.firstFailureAt, episode.openedAt)),
      timeToRecoverSeconds: resolved.map((episode) =>
        seconds(episode.openedAt, episode.resolution?.completedAt ?? episode.openedAt),
      ),
      resolutionsByAction,
      reLockoutsWithin7Days: lockouts.filter((episode) => episode.reLockout).length,
      suspectedAttacks: opened.filter((episode) => episode.category === 'suspected_attack').length,
      postRecoveryAnomalies: opened.filter((episode) => episode.category === 'post_recovery_anomaly').length,
      protectedRefusals: input.refusals.filter((refusal) => refusal.week === week).length,
      snapshot: {
        runId: snapshot.runId,
        startedAt: iso(snapshot.startedAt),
        users: snapshot.users,
        counts: snapshot.counts,
        atRisk: snapshot.atRisk.length,
      },
    };
  });
  const byStatus: Record<LockoutStatus, number> = { open: 0, acknowledged: 0, resolved: 0 };
  const byCategory: Record<FlagCategory, number> = {
    lockout: 0,
    suspected_attack: 0,
    post_recovery_anomaly: 0,
  };
  const unresolvedByCategory: Record<FlagCategory, number> = { ...byCategory };
  for (const flag of input.flags) {
    byStatus[flag.status] += 1;
    byCategory[flag.category] += 1;
    if (flag.status !== 'resolved') unresolvedByCategory[flag.category] += 1;
  }
  const auditTotal = Object.values(input.audit)
    .flatMap((perOutcome) => Object.values(perOutcome))
    .reduce((sum, count) => sum + count, 0);
  return {
    from: iso(start(0)),
    to: iso(now),
    weeks: weekSummaries,
    flags: {
      total: input.flags.length,
      byStatus,
      byCategory,
      unresolvedByCategory,
      pastEpisodes: input.flags.reduce((sum, flag) => sum + (flag.pastEpisodes?.length ?? 0), 0),
    },
    audit: { total: auditTotal, byAction: input.audit },
    snapshots: {
      total: input.snapshots.length,
      latestRunId: input.snapshots[input.snapshots.length - 1]?.runId ?? '',
    },
    durationMs: input.durationMs,
  };
}
