import { createHash } from 'node:crypto';

import { type Client, GraphError } from '@microsoft/microsoft-graph-client';

import { forEachLimited } from '../concurrency';
import type { Config } from '../config';
import { countAttempts, FailureAggregator, type UserFailures } from './aggregate';
import { streamSignIns } from './fetch-sign-ins';
import type { StoredLockoutFlag } from './lockout-flag';
import { mergeFlag, type MergeResult } from './merge-flag';
import type { ProtectedUsers } from './protected-users';
import type {
  DetectionNotice,
  LockoutEventPublisher,
  LockoutStore,
  ScanOutcome,
  ScanState,
  ScanStateStore,
} from './repositories';
import { scanWindow } from './scan-window';

export interface DetectLockoutsDeps {
  /** A Graph client for the reports API (paced). */
  reportsGraph: Client;
  /** The configured Graph origin, e.g. https://graph.microsoft.com. */
  graphOrigin: string;
  scanState: ScanStateStore;
  lockouts: LockoutStore;
  lockoutEvents: LockoutEventPublisher;
  notify: (notice: DetectionNotice) => Promise<void>;
  settings: Config['detection'];
  /** Users the guard would refuse (see protected-users.ts); their flags carry `protected: true`. */
  protectedUsers: ProtectedUsers;
  now?: () => Date;
}

export interface DetectionReport {
  outcome: ScanOutcome;
  window: { start: string; end: string };
  pages: number;
  events: number;
  /** Distinct (user, correlationId) attempts among the events. */
  attempts: number;
  malformed: number;
  users: number;
  opened: number;
  reopened: number;
  updated: number;
  writes: number;
  conflicts: number;
  /** Paging through the window and folding it, ms. */
  readMs: number;
  /** Reading the users' flags, protection, messages and flag writes, ms. */
  writeMs: number;
}

const LICENCE_ERROR = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';
/** How long a gap keeps /health degraded after it was found. */
const GAP_VISIBLE_MS = 24 * 3_600_000;
const MAX_WRITE_ATTEMPTS = 5;
/** Flags decided, announced and written together: one table transaction's worth. */
const WRITE_CHUNK = 100;
/** Chunks in flight at once, so one chunk's queue messages overlap another's table write. */
const CHUNKS_AT_ONCE = 2;
/** Queue messages in flight at once within a chunk. */
const SENDS_AT_ONCE = 16;

/** A UUID-shaped id derived from what identifies one opening of one flag. */
export function openingEventId(userId: string, reopenCount: number, firstFailureAt: string): string {
  const hex = createHash('sha256').update(`${userId}|${reopenCount}|${firstFailureAt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** 429 after the retry handler gave up, 5xx, or no answer at all (status -1, not a credential failure). */
function isGraphOutage(error: unknown): boolean {
  if (!(error instanceof GraphError)) return false;
  return error.statusCode === 429 || error.statusCode >= 500;
}

function describe(error: unknown): string {
  if (!(error instanceof GraphError)) return 'unknown';
  const retryAfter = error.headers?.get('retry-after');
  return `Graph ${error.statusCode} ${error.code ?? ''}${retryAfter ? ` retry-after=${retryAfter}` : ''}`.trim();
}

function isLicenceError(error: unknown): boolean {
  if (!(error instanceof GraphError) || error.statusCode !== 403) return false;
  return (
    error.code === LICENCE_ERROR || (typeof error.body === 'string' && error.body.includes(LICENCE_ERROR))
  );
}

/**
 * One scan: reads `[watermark − look-back, now − offset]`, folds the failures per user, writes the
 * flags that change (ETag-guarded, re-read on a lost race), sends one message per flag that opens,
 * and only then moves the watermark, ETag-guarded against an overlapping run.
 */
export async function detectLockouts(deps: DetectLockoutsDeps): Promise<DetectionReport> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const { settings } = deps;
  const state = await deps.scanState.read();
  const window = scanWindow(state.watermark, started, settings);
  const report: DetectionReport = {
    outcome: 'complete',
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    pages: 0,
    events: 0,
    attempts: 0,
    malformed: 0,
    users: 0,
    opened: 0,
    reopened: 0,
    updated: 0,
    writes: 0,
    conflicts: 0,
    readMs: 0,
    writeMs: 0,
  };
  const next: ScanState = {
    ...withoutEtag(state),
    lastRunAt: started.toISOString(),
  };
  delete next.lastError;
  if (window.gap) {
    await deps.notify({
      type: 'detection.gap',
      details: {
        watermark: state.watermark,
        scannedFrom: report.window.start,
        retentionMs: settings.retentionMs,
      },
    });
    next.condition = 'gap';
    next.conditionSince = started.toISOString();
  } else if (
    next.condition === 'unlicensed' ||
    (next.condition === 'gap' &&
      started.getTime() - new Date(next.conditionSince ?? 0).getTime() > GAP_VISIBLE_MS)
  ) {
    next.condition = 'ok';
    delete next.conditionSince;
  }

  const aggregator = new FailureAggregator(settings.recentEvents);
  const readStarted = performance.now();
  let complete: boolean;
  try {
    const streamed = await streamSignIns(
      deps.reportsGraph,
      { start: window.start, end: window.end, errorCodes: settings.errorCodes },
      {
        origin: deps.graphOrigin,
        deadline: started.getTime() + settings.timeBudgetMs,
        now: () => now().getTime(),
        onSignIn: (signIn) => aggregator.add(signIn),
        onMalformed: () => (report.malformed += 1),
      },
    );
    report.pages = streamed.pages;
    complete = streamed.complete;
  } catch (error) {
    if (isGraphOutage(error)) {
      // Throttled beyond what the retry handler waits for, or Graph unavailable: stop cleanly. Nothing
      // was written and the watermark stays; the next run reads the window again.
      report.outcome = 'failed';
      await deps.scanState.write(
        {
          ...withoutEtag(state),
          lastRunAt: started.toISOString(),
          lastOutcome: 'failed',
          lastError: describe(error),
        },
        state.etag,
      );
      return report;
    }
    if (!isLicenceError(error)) throw error;
    if (state.condition !== 'unlicensed') {
      await deps.notify({ type: 'detection.unlicensed', details: { graphCode: LICENCE_ERROR } });
    }
    report.outcome = 'unlicensed';
    const unlicensed: ScanState = { ...next, condition: 'unlicensed', lastOutcome: 'unlicensed' };
    unlicensed.conditionSince =
      state.condition === 'unlicensed' ? state.conditionSince : started.toISOString();
    await deps.scanState.write(unlicensed, state.etag);
    return report;
  }

  report.readMs = Math.round(performance.now() - readStarted);
  const writeStarted = performance.now();
  const users = aggregator.results();
  report.events = aggregator.events;
  report.attempts = aggregator.attempts;
  report.users = users.length;
  const existing = await deps.lockouts.getMany(users.map((user) => user.userId));
  // Protection is looked up only for users whose flag may open now: at the threshold in this
  // window, with no flag or a resolved one.
  const protectedIds = await deps.protectedUsers(
    users
      .filter((user) => {
        const flag = existing.get(user.userId);
        return (!flag || flag.status === 'resolved') && mayOpen(user, settings);
      })
      .map((user) => user.userId),
  );
  const context: WriteContext = { horizon: window.start, now, report, protectedIds };
  // Decided chunk by chunk as the writers ask for them: only the flags in flight are in memory.
  await forEachLimited(changeChunks(deps, users, existing, context), CHUNKS_AT_ONCE, (chunk) =>
    writeChunk(deps, chunk, context),
  );
  report.writeMs = Math.round(performance.now() - writeStarted);

  if (!complete) {
    // The time budget ended paging: flags for what was read are written (re-reads count nothing
    // twice), the watermark stays, and the next run reads the window again.
    report.outcome = 'incomplete';
    return report;
  }
  next.watermark = window.end.toISOString();
  next.lastOutcome = 'complete';
  if (!(await deps.scanState.write(next, state.etag))) report.outcome = 'superseded';
  return report;
}

function withoutEtag(state: ScanState & { etag?: string }): ScanState {
  const rest: ScanState & { etag?: string } = { ...state };
  delete rest.etag;
  return rest;
}

function mayOpen(user: UserFailures, settings: Config['detection']): boolean {
  const { lockout, attack } = countAttempts(user.attempts.values());
  return attack >= settings.attackThreshold || lockout >= settings.lockoutThreshold;
}

interface WriteContext {
  horizon: Date;
  now: () => Date;
  report: DetectionReport;
  protectedIds: ReadonlySet<string>;
}

interface Change {
  user: UserFailures;
  etag: string | undefined;
  result: Exclude<MergeResult, { kind: 'unchanged' }>;
}

function decide(
  deps: DetectLockoutsDeps,
  user: UserFailures,
  existing: StoredLockoutFlag | undefined,
  context: WriteContext,
): MergeResult {
  return mergeFlag(existing, user, {
    lockoutThreshold: deps.settings.lockoutThreshold,
    attackThreshold: deps.settings.attackThreshold,
    recentLimit: deps.settings.recentEvents,
    horizon: context.horizon,
    now: context.now(),
    isProtected: context.protectedIds.has(user.userId),
    eventId: (userId, first) => openingEventId(userId, existing ? existing.reopenCount + 1 : 0, first),
  });
}

function* changeChunks(
  deps: DetectLockoutsDeps,
  users: readonly UserFailures[],
  existing: ReadonlyMap<string, StoredLockoutFlag>,
  context: WriteContext,
): Generator<Change[]> {
  let chunk: Change[] = [];
  for (const user of users) {
    const flag = existing.get(user.userId);
    const result = decide(deps, user, flag, context);
    if (result.kind === 'unchanged') continue;
    chunk.push({ user, etag: flag?.etag, result });
    if (chunk.length === WRITE_CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Announces the chunk's openings, then writes its flags in one transaction. Messages go first: if
 * the write is lost, the next run sends the same eventIds again (consumers dedupe); if a send
 * fails, nothing is written and the watermark stays. A flag that lost its race is re-read and
 * decided again on its own.
 */
async function writeChunk(deps: DetectLockoutsDeps, chunk: Change[], context: WriteContext): Promise<void> {
  await forEachLimited(chunk, SENDS_AT_ONCE, ({ result }) => announce(deps, result));
  context.report.writes += chunk.length;
  const written = await deps.lockouts.putMany(chunk.map(({ result, etag }) => ({ flag: result.flag, etag })));
  await forEachLimited(chunk, SENDS_AT_ONCE, async ({ user, result }, index) => {
    if (written[index]) {
      context.report[result.kind] += 1;
      return;
    }
    context.report.conflicts += 1;
    await rewriteFlag(deps, user, context);
  });
}

async function announce(deps: DetectLockoutsDeps, result: Change['result']): Promise<void> {
  if (result.kind === 'updated') return;
  const { flag } = result;
  await deps.lockoutEvents.publish({
    schemaVersion: 1,
    eventId: flag.openEventId,
    type: result.kind === 'opened' ? 'lockout.opened' : 'lockout.reopened',
    time: flag.openedAt,
    userId: flag.userId,
    ...(flag.userPrincipalName ? { userPrincipalName: flag.userPrincipalName } : {}),
    category: flag.category,
    protected: flag.protected,
    lockoutAttempts: flag.lockoutAttempts,
    attackAttempts: flag.attackAttempts,
    firstFailureAt: flag.firstFailureAt,
    lastFailureAt: flag.lastFailureAt,
  });
  if (flag.category !== 'suspected_attack') return;
  await deps.notify({
    type: 'security.mfa_attack_suspected',
    eventId: flag.openEventId,
    targetId: flag.userId,
    ...(flag.userPrincipalName ? { targetUpn: flag.userPrincipalName } : {}),
    details: {
      eventId: flag.openEventId,
      attackAttempts: flag.attackAttempts,
      lastFailureAt: flag.lastFailureAt,
      protected: flag.protected,
    },
  });
}

/** The slow path after a lost race: re-read, decide, announce, write; a few times at most. */
async function rewriteFlag(
  deps: DetectLockoutsDeps,
  user: UserFailures,
  context: WriteContext,
): Promise<void> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    const existing = await deps.lockouts.get(user.userId);
    const result = decide(deps, user, existing, context);
    if (result.kind === 'unchanged') return;
    await announce(deps, result);
    context.report.writes += 1;
    if (await deps.lockouts.put(result.flag, existing?.etag)) {
      context.report[result.kind] += 1;
      return;
    }
    context.report.conflicts += 1;
  }
  throw new Error(
    `Lockout flag for ${user.userId} kept changing; gave up after ${MAX_WRITE_ATTEMPTS} attempts.`,
  );
}
