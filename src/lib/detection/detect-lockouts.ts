import { type Client, GraphError } from '@microsoft/microsoft-graph-client';

import { FailureAggregator } from './aggregate';
import { streamSignIns } from './fetch-sign-ins';
import type { WatchReport } from './post-recovery-watch';
import type { ScanOutcome, ScanState, ScanStateStore } from './repositories';
import { scanWindow } from './scan-window';
import { type FlagWriterDeps, writeFlags } from './write-flags';

export interface DetectLockoutsDeps extends FlagWriterDeps {
  /** A Graph client for the reports API (paced). */
  reportsGraph: Client;
  /** The configured Graph origin, e.g. https://graph.microsoft.com. */
  graphOrigin: string;
  scanState: ScanStateStore;
  /** The watch after recoveries (post-recovery-watch.ts), over the same window; absent = none. */
  watch?: (
    window: { start: Date; end: Date },
    options: { deadline: number; now: () => Date },
  ) => Promise<WatchReport>;
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
  watch?: WatchReport;
  /** The watermark once the run ended: sign-ins up to here are read (absent before the first complete run). */
  scannedThrough?: string;
}

const LICENCE_ERROR = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';
/** How long a gap keeps /health degraded after it was found. */
const GAP_VISIBLE_MS = 24 * 3_600_000;

/** 429 after the retry handler gave up, 5xx, or no answer at all (status -1, not a credential failure). */
function isGraphOutage(error: unknown): boolean {
  if (!(error instanceof GraphError)) return false;
  return error.statusCode === 429 || error.statusCode >= 500;
}

export function describeGraphFailure(error: unknown): string {
  if (!(error instanceof GraphError)) return 'unknown';
  const retryAfter = error.headers?.get('retry-after');
  return `Graph ${error.statusCode} ${error.code ?? ''}${retryAfter ? ` retry-after=${retryAfter}` : ''}`.trim();
}

export function isLicenceError(error: unknown): boolean {
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
    ...(state.watermark ? { scannedThrough: state.watermark } : {}),
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
          lastError: describeGraphFailure(error),
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
  await writeFlags(deps, users, { horizon: window.start, now, counts: report });
  report.writeMs = Math.round(performance.now() - writeStarted);
  if (complete && deps.watch) {
    report.watch = await deps.watch(window, { deadline: started.getTime() + settings.timeBudgetMs, now });
    complete = report.watch.complete;
  }

  if (!complete) {
    // The time budget ended paging: flags for what was read are written (re-reads count nothing
    // twice), the watermark stays, and the next run reads the window again.
    report.outcome = 'incomplete';
    return report;
  }
  next.watermark = window.end.toISOString();
  report.scannedThrough = next.watermark;
  next.lastOutcome = 'complete';
  if (!(await deps.scanState.write(next, state.etag))) report.outcome = 'superseded';
  return report;
}

function withoutEtag(state: ScanState & { etag?: string }): ScanState {
  const rest: ScanState & { etag?: string } = { ...state };
  delete rest.etag;
  return rest;
}
