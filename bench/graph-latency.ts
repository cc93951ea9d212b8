import { fork } from 'node:child_process';
import path from 'node:path';

import type { TenantSeed, UserSeed } from '../local/graph';
import { providesDefault } from '../local/graph/method-rules';
import { CA_CERT_PATH, type Stack } from '../local/stack';
import { BENCH_ACTION_BODY, BENCH_METHOD_COUNTS, benchTenant, postAction } from './actions';
import { type GraphTraffic, graphTraffic } from './round-trips';
import type { FlowReply, FlowRequest } from './sequential-flow-probe';
import { summarize } from './stats';

/** Added by the simulator to every Graph request, each $batch step included. */
export const GRAPH_LATENCY_MS = 100;

export interface FlowFigures extends GraphTraffic {
  median: number;
  p95: number;
}

export interface LatencyCase {
  action: 'reset' | 'TAP';
  methods: number;
  /** The app's action through the local host. */
  app: FlowFigures;
  /** The same change made the documented way, one Graph request after the other. */
  sequential: FlowFigures;
  /** Method types besides the password that both flows leave the user with. */
  left: string[];
}

type Run = () => Promise<void>;

/** The user's methods that back their default method: Graph refuses to delete those while others remain. */
function defaultMethodIds(user: UserSeed): string[] {
  const preferred = user.signInPreferences?.userPreferredMethodForSecondaryAuthentication ?? undefined;
  if (preferred === undefined) return [];
  return user.authenticationMethods
    .filter((method) => providesDefault(method, preferred))
    .map((method) => method.id);
}

/** The sequential flow runs in its own process: Node trusts the simulator's CA only from process start. */
function startSequentialFlows(stack: Stack) {
  const child = fork(path.join(__dirname, 'sequential-flow-probe.js'), [], {
    execPath: process.execPath,
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: CA_CERT_PATH,
      GRAPH_BASE_URL: stack.graphUrl,
      IDENTITY_ENDPOINT: stack.identityEndpoint,
      IDENTITY_HEADER: stack.identityHeader,
      AZURE_CLIENT_ID: stack.identity.clientId,
      STORAGE_CONNECTION_STRING: stack.storageConnectionString,
    },
  });
  const run = (request: FlowRequest) =>
    new Promise<void>((resolve, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`the sequential-flow process exited (${code})`));
      child.once('exit', exited);
      child.once('message', (reply: FlowReply) => {
        child.off('exit', exited);
        if (reply.ok) resolve();
        else reject(new Error(`sequential ${request.flow}: ${reply.error}`));
      });
      child.send(request);
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    });
  return { run, stop };
}

/**
 * One warm-up run each (token, connections, JIT), then `runs` runs of the app and of the
 * sequential flow, alternating, each from the same tenant; wall time as the caller sees it.
 */
async function measurePair(
  stack: Stack,
  seed: TenantSeed,
  userId: string,
  runs: number,
  app: Run,
  sequential: Run,
): Promise<{ app: FlowFigures; sequential: FlowFigures; left: string[] }> {
  const samples = { app: [] as number[], sequential: [] as number[] };
  const traffic = { app: [] as GraphTraffic[], sequential: [] as GraphTraffic[] };
  const outcomes = new Set<string>();
  for (let run = -1; run < runs; run += 1) {
    for (const [side, flow] of [
      ['app', app],
      ['sequential', sequential],
    ] as const) {
      stack.graph.reset(seed);
      stack.graph.clearRequests();
      const started = performance.now();
      await flow();
      const elapsed = performance.now() - started;
      outcomes.add(removableLeft(stack, userId).join(', '));
      if (run < 0) continue;
      samples[side].push(elapsed);
      traffic[side].push(graphTraffic(stack.graph.requests(), GRAPH_LATENCY_MS));
    }
  }
  const figures = (side: 'app' | 'sequential'): FlowFigures => {
    const median = (pick: (entry: GraphTraffic) => number) => summarize(traffic[side].map(pick)).median;
    const wall = summarize(samples[side]);
    return {
      median: wall.median,
      p95: wall.p95,
      requests: median((entry) => entry.requests),
      batchSteps: median((entry) => entry.batchSteps),
      roundTrips: median((entry) => entry.roundTrips),
    };
  };
  // Both flows must make the same change, or their times say nothing.
  if (outcomes.size !== 1) throw new Error(`the flows left different methods: ${[...outcomes].join(' | ')}`);
  const [left = ''] = outcomes;
  return { app: figures('app'), sequential: figures('sequential'), left: left ? left.split(', ') : [] };
}

/** The user's method types besides the password, as the tenant holds them after a run, sorted. */
function removableLeft(stack: Stack, userId: string): string[] {
  const user = stack.graph.state().users.find((candidate) => candidate.id === userId);
  return (user?.authenticationMethods ?? [])
    .map((method) => method.type)
    .filter((type) => type !== 'password')
    .sort();
}

/**
 * Reset and TAP at 1, 5 and 12 methods with GRAPH_LATENCY_MS on every Graph request: the app
 * through the local host against the documented sequential flow through the same simulator.
 */
export async function measureGraphLatency(stack: Stack, runs: number): Promise<LatencyCase[]> {
  const { seed, users } = benchTenant(stack);
  const sequentialFlows = startSequentialFlows(stack);
  stack.graph.setLatency({ latencyMs: GRAPH_LATENCY_MS });
  try {
    const cases: LatencyCase[] = [];
    for (const action of ['reset', 'TAP'] as const) {
      for (const [index, methods] of BENCH_METHOD_COUNTS.entries()) {
        const user = users[index]!;
        const label = `${action}, ${methods} methods`;
        const app = () =>
          postAction(
            stack,
            `/users/${user.id}/${action === 'reset' ? 'mfa/reset' : 'tap'}`,
            BENCH_ACTION_BODY,
            label,
          );
        const request: FlowRequest =
          action === 'reset'
            ? { flow: 'reset', userId: user.id, defaultIds: defaultMethodIds(user) }
            : { flow: 'tap', userId: user.id };
        const figures = await measurePair(stack, seed, user.id, runs, app, () =>
          sequentialFlows.run(request),
        );
        cases.push({ action, methods, ...figures });
      }
    }
    return cases;
  } finally {
    stack.graph.setLatency({ latencyMs: 0 });
    await sequentialFlows.stop();
    stack.graph.reset();
  }
}
