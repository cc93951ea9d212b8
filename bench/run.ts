// `npm run bench`: cold start, GET /api/users/{user}/methods latency through the local host, and
// time from start to ready. Prints one table; figures go into the closing note.

import { DEMO_SEED_PATH, loadSeedFile } from '../local/graph';
import { findAppRoot } from '../local/host/options';
import { startStack } from '../local/stack';
import { measureActions } from './actions';
import { measureColdStart } from './cold-start';
import { measureDetection } from './detection';
import { measureLatency } from './latency';
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

interface Row {
  measure: string;
  median: string;
  p95: string;
  note: string;
}

const ms = (value: number) => `${round(value)} ms`;

async function main(): Promise<void> {
  const rows: Row[] = [];

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

  // The bench measures the app, not Graph's pacing: the simulator's directory limits are off.
  const stack = await startStack({ hostPort: 0, timers: false, directoryThrottling: { enabled: false } });
  try {
    const user = loadSeedFile(DEMO_SEED_PATH).demo.ordinaryUser ?? '';
    const url = `${stack.baseUrl}/users/${encodeURIComponent(user)}/methods`;
    const headers = { 'x-functions-key': stack.functionKey };
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
    for (const action of await measureActions(stack, ACTION_RUNS)) {
      rows.push({
        measure: `POST ${action.action}`,
        median: ms(action.median),
        p95: ms(action.p95),
        note: `${action.graphRequests} Graph requests (a $batch counts once), ${action.runs} runs`,
      });
    }
  } finally {
    await stack.stop();
  }

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

  printTable(rows);
}

const perSecond = (count: number, ms: number) => (ms > 0 ? String(round(count / (ms / 1000), 0)) : '-');

function printTable(rows: Row[]): void {
  const header: Row = { measure: 'measure', median: 'median', p95: 'p95', note: 'note' };
  const keys = ['measure', 'median', 'p95', 'note'] as const;
  const widths = keys.map((key) => Math.max(...[header, ...rows].map((row) => row[key].length)));
  const line = (row: Row) => `| ${keys.map((key, i) => row[key].padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
