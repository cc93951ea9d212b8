// `npm run bench`: cold start, GET /api/users/{user}/methods latency through the local host, the
// actions' round trips, reset and TAP against the sequential flow under Graph latency, time from
// start to ready, detection, the limits (their added latency, and a mass-takeover run against the
// brake) and the registration scan. `npm run bench -- --only <section>` runs one section. Prints the
// tables; figures go into the issue's closing note.

import { DEMO_SEED_PATH, loadSeedFile } from '../local/graph';
import { findAppRoot } from '../local/host/options';
import { type Stack, startStack } from '../local/stack';
import { measureActions } from './actions';
import { measureColdStart } from './cold-start';
import { measureDetection } from './detection';
import { GRAPH_LATENCY_MS, type LatencyCase, measureGraphLatency } from './graph-latency';
import { measureLatency } from './latency';
import { type MassTakeover, measureLimitsOverhead, measureMassTakeover, type OverheadCase } from './limits';
import { measureRegistrationScan } from './registration-scan';
import { round } from './stats';
import { measureTimeToReady } from './time-to-ready';

const REPO_ROOT = findAppRoot(__dirname);
const COLD_START_RUNS = 10;
const WARM_UP_REQUESTS = 50;
const LATENCY_REQUESTS = { 1: 300, 16: 2000 } as const;
const READY_RUNS = 3;
const ACTION_RUNS = 20;
// 300k as well: past 100 pages reading adds no memory; what grows is about 80 bytes per distinct attempt.
const DETECTION_EVENTS = [10_000, 100_000, 300_000];
const DETECTION_USERS = 5_000;
const GRAPH_LATENCY_RUNS = 10;
const LIMITS_RUNS = 30;
/** Issue 9's goal: Graph round trips the caller waits through, and the share of the sequential flow's time. */
const GOAL = { roundTrips: 3, ratioAt12: 0.3 };

const SECTIONS = [
  'cold-start',
  'methods',
  'actions',
  'graph-latency',
  'ready',
  'detection',
  'limits',
  'registration-scan',
] as const;
type Section = (typeof SECTIONS)[number];

/** `--only <section>` or `--only=<section>`; every section without it. */
function selectedSection(args: readonly string[]): Section | undefined {
  const index = args.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (index < 0) return undefined;
  const value = args[index]!.includes('=') ? args[index]!.split('=')[1] : args[index + 1];
  if (!(SECTIONS as readonly string[]).includes(value ?? '')) {
    throw new Error(`--only takes one of: ${SECTIONS.join(', ')}`);
  }
  return value as Section;
}

interface Row {
  measure: string;
  median: string;
  p95: string;
  note: string;
}

const ms = (value: number) => `${round(value)} ms`;

async function main(): Promise<void> {
  const only = selectedSection(process.argv.slice(2));
  const runs = (section: Section) => only === undefined || only === section;
  const rows: Row[] = [];
  let latencyCases: LatencyCase[] = [];

  if (runs('cold-start')) measureColdStartRows(rows);
  if (runs('methods') || runs('actions') || runs('graph-latency')) {
    // The bench measures the app, not Graph's pacing: the simulator's directory limits are off. So are
    // the app's own limits: these sections act on the same users many times (`limits` measures them).
    const stack = await startStack({
      hostPort: 0,
      timers: false,
      directoryThrottling: { enabled: false },
      appSettings: { RECOVERY_LIMITS_ENABLED: 'false' },
    });
    try {
      if (runs('methods')) await measureMethodsRows(stack, rows);
      if (runs('actions')) {
        for (const action of await measureActions(stack, ACTION_RUNS)) {
          rows.push({
            measure: `POST ${action.action}`,
            median: ms(action.median),
            p95: ms(action.p95),
            note: `${action.graphRequests} Graph requests (a $batch counts once), ${action.runs} runs`,
          });
        }
      }
      if (runs('graph-latency')) latencyCases = await measureGraphLatency(stack, GRAPH_LATENCY_RUNS);
    } finally {
      await stack.stop();
    }
  }
  if (runs('ready')) await measureReadyRows(rows);
  if (runs('detection')) await measureDetectionRows(rows);
  if (runs('registration-scan')) await measureRegistrationScanRows(rows);
  let limits: { overhead: OverheadCase[]; takeover: MassTakeover } | undefined;
  if (runs('limits')) {
    limits = { overhead: await measureLimitsOverhead(LIMITS_RUNS), takeover: await measureMassTakeover() };
  }

  if (rows.length > 0) printTable(rows, { measure: 'measure', median: 'median', p95: 'p95', note: 'note' });
  if (latencyCases.length > 0) printLatencyCases(latencyCases);
  if (limits) printLimits(limits.overhead, limits.takeover);
}

function printLimits(overhead: readonly OverheadCase[], takeover: MassTakeover): void {
  console.log(
    `\nCaller check, limits and brake per mutating call: the same calls through three hosts in turn, ${LIMITS_RUNS} runs each ` +
      'after a warm-up: function key with RECOVERY_LIMITS_ENABLED=false (baseline), Entra token with the limits off, ' +
      'Entra token with the limits on (values no call reaches). median / p95; ratio = against the baseline.',
  );
  const figures = (value: { median: number; p95: number }, baseline: { median: number; p95: number }) =>
    `${ms(value.median)} / ${ms(value.p95)} (${round(value.median / baseline.median, 2)}× / ${round(value.p95 / baseline.p95, 2)}×)`;
  printTable(
    overhead.map(({ call, off, callerCheck, on }) => ({
      call,
      off: `${ms(off.median)} / ${ms(off.p95)}`,
      callerCheck: figures(callerCheck, off),
      on: figures(on, off),
      added: `${ms(on.median - off.median)} / ${ms(on.p95 - off.p95)}`,
    })),
    {
      call: 'call',
      off: 'baseline',
      callerCheck: '+ caller check',
      on: '+ caller check, limits, brake',
      added: 'added in all (median / p95)',
    },
  );
  const answers = Object.entries(takeover.answers)
    .map(([answer, count]) => `${count}× ${answer}`)
    .join(', ');
  // Only a run in which the brake was reached says anything: a run that failed for other reasons
  // (an overloaded machine) issues few passes too.
  const held = (takeover.answers['503 brake_engaged'] ?? 0) > 0;
  const verdict = !held
    ? 'inconclusive (the brake was never reached)'
    : takeover.succeeded <= takeover.brakeUsers
      ? 'met'
      : 'NOT met';
  console.log(
    `\nMass takeover: ${takeover.requests} concurrent TAP requests over ${takeover.requests} users, one caller, default limits: ` +
      `${takeover.succeeded} passes issued (${answers}) in ${ms(takeover.wallMs)}. Goal, at most ${takeover.brakeUsers} ` +
      `(BRAKE_USERS): ${verdict}.`,
  );
}

function measureColdStartRows(rows: Row[]): void {
  const coldStart = measureColdStart(COLD_START_RUNS);
  rows.push({
    measure: 'cold start: load dist/src/functions/*.js',
    median: ms(coldStart.load.median),
    p95: ms(coldStart.load.p95),
    note: `${COLD_START_RUNS} fresh processes`,
  });
  rows.push({
    measure: 'cold start: node process incl. load',
    median: ms(coldStart.process.median),
    p95: ms(coldStart.process.p95),
    note: `${COLD_START_RUNS} fresh processes`,
  });
}

async function measureMethodsRows(stack: Stack, rows: Row[]): Promise<void> {
  const user = loadSeedFile(DEMO_SEED_PATH).demo.ordinaryUser ?? '';
  const url = `${stack.baseUrl}/users/${encodeURIComponent(user)}/methods`;
  const headers = { authorization: `Bearer ${stack.callerTokens.helpdesk}` };
  await measureLatency(url, headers, 4, WARM_UP_REQUESTS);
  for (const concurrency of [1, 16] as const) {
    const result = await measureLatency(url, headers, concurrency, LATENCY_REQUESTS[concurrency]);
    rows.push({
      measure: `GET /api/users/{user}/methods, concurrency ${concurrency}`,
      median: ms(result.median),
      p95: ms(result.p95),
      note: `${result.count} requests, ${round(result.requestsPerSecond, 0)} req/s`,
    });
  }
}

async function measureReadyRows(rows: Row[]): Promise<void> {
  const readyTimes: number[] = [];
  for (let run = 0; run < READY_RUNS; run += 1) {
    readyTimes.push(await measureTimeToReady(process.execPath, ['dist/local/start.js'], REPO_ROOT));
  }
  readyTimes.sort((a, b) => a - b);
  rows.push({
    measure: 'start to ready: node dist/local/start.js',
    median: ms(readyTimes[Math.floor(readyTimes.length / 2)]!),
    p95: ms(readyTimes[readyTimes.length - 1]!),
    note: `${READY_RUNS} runs (p95 column: slowest)`,
  });
  const npmStart = await measureTimeToReady('npm', ['start'], REPO_ROOT);
  rows.push({
    measure: 'start to ready: npm start (incl. tsc build)',
    median: ms(npmStart),
    p95: '-',
    note: '1 run',
  });
}

async function measureDetectionRows(rows: Row[]): Promise<void> {
  for (const events of DETECTION_EVENTS) {
    const figures = await measureDetection(events, DETECTION_USERS);
    for (const [label, scan] of [
      ['first run', figures.first],
      ['second run, no new events', figures.second],
    ] as const) {
      const { report } = scan;
      rows.push({
        measure: `detectLockouts ${events} events / ${DETECTION_USERS} users, ${label}`,
        median: ms(scan.wallMs),
        p95: '-',
        note:
          `${perSecond(report.events, scan.wallMs)} events/s end to end; read + aggregate ${report.readMs} ms ` +
          `(${perSecond(report.events, report.readMs)} events/s); flags ${report.writeMs} ms ` +
          `(${report.writes} written, ${report.opened + report.reopened} queue messages); ` +
          `${scan.graphRequests} Graph requests (${report.pages} pages); ` +
          `${perSecond(report.events, scan.cpuMs)} events per CPU-second; peak RSS ${round(scan.peakRssMb, 0)} MB`,
      });
    }
  }
}

/** Peak RSS should stay flat from the smaller to the larger tenant: the scan streams pages. */
const REGISTRATION_USERS = [10_000, 100_000] as const;
/**
 * Old space for the capped runs. Uncapped, V8 lets its heap grow to a multiple of the live data as
 * long as garbage keeps coming, so a longer run peaks higher without holding more; under one fixed
 * cap both sizes must finish, which a scan holding the whole tenant could not (docs/registration.md).
 */
const SCAN_HEAP_CAP_MB = 64;

async function measureRegistrationScanRows(rows: Row[]): Promise<void> {
  const peaks = { uncapped: [] as number[], capped: [] as number[] };
  for (const users of REGISTRATION_USERS) {
    for (const heap of ['uncapped', 'capped'] as const) {
      const scan = await measureRegistrationScan(
        users,
        heap === 'capped' ? { heapCapMb: SCAN_HEAP_CAP_MB } : {},
      );
      const { report } = scan;
      peaks[heap].push(scan.peakRssMb);
      rows.push({
        measure: `scanRegistration ${users} users (+ the demo tenant), ${heap === 'capped' ? `old space capped at ${SCAN_HEAP_CAP_MB} MB` : "V8's default heap"}`,
        median: ms(scan.wallMs),
        p95: '-',
        note:
          `outcome ${report.outcome}; ${scan.graphRequests} Graph requests (${report.pages} report pages); ` +
          `${report.atRisk} at risk, ${report.notified} events; ${perSecond(report.users, scan.wallMs)} users/s; ` +
          `CPU ${ms(scan.cpuMs)}; peak RSS ${round(scan.peakRssMb, 0)} MB (reports pacing off: at Graph's limit add ~2.5 s a page)`,
      });
    }
  }
  const ratio = (peaks: number[]) => round(peaks[1]! / peaks[0]!, 2);
  rows.push({
    measure: `scanRegistration peak RSS, ${REGISTRATION_USERS[1]} users against ${REGISTRATION_USERS[0]}`,
    median: '-',
    p95: '-',
    note: `${ratio(peaks.capped)}× with old space capped at ${SCAN_HEAP_CAP_MB} MB; ${ratio(peaks.uncapped)}× on V8's default heap`,
  });
}

const perSecond = (count: number, ms: number) => (ms > 0 ? String(round(count / (ms / 1000), 0)) : '-');

function printLatencyCases(cases: readonly LatencyCase[]): void {
  const rows: LatencyRow[] = [];
  for (const { action, methods, app, sequential } of cases) {
    const name = `${action}, ${methods} method${methods === 1 ? '' : 's'}`;
    const traffic = (figures: LatencyCase['app']) =>
      `${figures.requests}${figures.batchSteps > 0 ? ` (+${figures.batchSteps} batch steps)` : ''}`;
    rows.push({
      case: `${name}: sequential flow`,
      median: ms(sequential.median),
      p95: ms(sequential.p95),
      ratio: '1',
      requests: traffic(sequential),
      roundTrips: String(sequential.roundTrips),
    });
    rows.push({
      case: `${name}: app`,
      median: ms(app.median),
      p95: ms(app.p95),
      ratio: `${round(app.median / sequential.median, 2)}×`,
      requests: traffic(app),
      roundTrips: String(app.roundTrips),
    });
  }
  console.log(
    `\nReset and TAP with ${GRAPH_LATENCY_MS} ms added to every Graph request and $batch step (a batch lasts as long as its steps), ` +
      `${GRAPH_LATENCY_RUNS} runs per case after a warm-up, app and sequential flow alternating; ` +
      'ratio = app median / sequential median; Graph requests and round trips: medians.',
  );
  printTable(rows, {
    case: 'case',
    median: 'median',
    p95: 'p95',
    ratio: 'ratio vs sequential',
    requests: 'Graph requests',
    roundTrips: 'sequential round trips',
  });
  const resets = cases.filter((entry) => entry.action === 'reset');
  for (const { methods, left } of resets.filter((entry) => entry.left.length > 0)) {
    console.log(
      `Both flows leave, at ${methods} methods (Graph refuses the app's deletes): ${left.join(', ')}.`,
    );
  }
  const mostRoundTrips = Math.max(...resets.map((entry) => entry.app.roundTrips));
  const at12 = resets.find((entry) => entry.methods === 12);
  const ratioAt12 = at12 ? at12.app.median / at12.sequential.median : Number.NaN;
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.log(
    `Goal, reset: at most ${GOAL.roundTrips} sequential Graph round trips for any number of methods: ` +
      `${mostRoundTrips} (${verdict(mostRoundTrips <= GOAL.roundTrips)}); ` +
      `at most ${GOAL.ratioAt12}× the sequential flow at 12 methods: ${round(ratioAt12, 2)}× ` +
      `(${verdict(ratioAt12 <= GOAL.ratioAt12)}).`,
  );
}

interface LatencyRow {
  case: string;
  median: string;
  p95: string;
  ratio: string;
  requests: string;
  roundTrips: string;
}

function printTable<R extends object>(rows: readonly R[], header: { [K in keyof R]: string }): void {
  const keys = Object.keys(header) as (keyof R & string)[];
  const cell = (row: R | typeof header, key: keyof R & string) => String(row[key]);
  const widths = keys.map((key) => Math.max(...[header, ...rows].map((row) => cell(row, key).length)));
  const line = (row: R | typeof header) =>
    `| ${keys.map((key, i) => cell(row, key).padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
