import { randomUUID } from 'node:crypto';

import type { TenantSeed, UserSeed } from '../local/graph';
import { type Stack, startStack } from '../local/stack';
import { BENCH_ACTION_BODY } from './actions';
import { summarize } from './stats';

/** The bench measures the app, not Graph's pacing: the simulator's directory limits are off. */
const NO_THROTTLING = { enabled: false };
/** Limits high enough never to refuse a bench call, so every call pays for its check and reservation. */
const LIMITS_ON_UNREACHED = {
  LIMIT_TAPS_PER_TARGET: '100000',
  LIMIT_RESETS_PER_TARGET: '100000',
  LIMIT_CALLER_CALLS_PER_HOUR: '1000',
  BRAKE_USERS: '500',
};
export const MASS_TAKEOVER_USERS = 100;

type Figures = { median: number; p95: number };

export interface OverheadCase {
  call: string;
  /** Function key, limits off: neither check. */
  off: Figures;
  /** Entra token validated by the app, limits off. */
  callerCheck: Figures;
  /** Entra token, limits and brake on. */
  on: Figures;
  runs: number;
}

export interface MassTakeover {
  requests: number;
  /** Answers by status and code, e.g. `201`, `503 brake_engaged`. */
  answers: Record<string, number>;
  succeeded: number;
  brakeUsers: number;
  wallMs: number;
}

interface Answer {
  status: number;
  code?: string;
}

async function post(stack: Stack, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      ...(stack.callerAuth === 'entraToken'
        ? { authorization: `Bearer ${stack.callerTokens.helpdesk}` }
        : { 'x-functions-key': stack.functionKey }),
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const code = response.status >= 300 ? (JSON.parse(text) as { code?: string }).code : undefined;
  return { status: response.status, ...(code ? { code } : {}) };
}

async function timed(stack: Stack, path: string, body: unknown, label: string): Promise<number> {
  const sent = performance.now();
  const answer = await post(stack, path, body);
  const elapsed = performance.now() - sent;
  if (answer.status >= 300) throw new Error(`${label}: ${answer.status} ${answer.code ?? ''}`);
  return elapsed;
}

/** Starts each stack in turn; stops all of them, whatever happens. */
async function withStacks<T>(
  options: Parameters<typeof startStack>[0][],
  work: (stacks: Stack[]) => Promise<T>,
): Promise<T> {
  const stacks: Stack[] = [];
  try {
    for (const option of options) stacks.push(await startStack(option));
    return await work(stacks);
  } finally {
    for (const stack of stacks) await stack.stop();
  }
}

/**
 * The same mutating calls through three hosts in one run, in turn: function key with the limits
 * and the brake off (RECOVERY_LIMITS_ENABLED=false: only the kill switch row is read), Entra token
 * checked by the app with the limits off, and Entra token with the limits on at values no call
 * reaches. The differences are the caller check's cost and the limits' (the query beside the guard
 * and the reservation transaction).
 */
export async function measureLimitsOverhead(runs: number, warmUp = 5): Promise<OverheadCase[]> {
  const base = { hostPort: 0, timers: false, directoryThrottling: NO_THROTTLING };
  return await withStacks(
    [
      { ...base, callerAuth: 'functionKey', appSettings: { RECOVERY_LIMITS_ENABLED: 'false' } },
      { ...base, callerAuth: 'entraToken', appSettings: { RECOVERY_LIMITS_ENABLED: 'false' } },
      { ...base, callerAuth: 'entraToken', appSettings: LIMITS_ON_UNREACHED },
    ],
    async (stacks) => {
      const upn = encodeURIComponent(stacks[0]!.graph.state().demo.ordinaryUser ?? '');
      const cases = [
        {
          call: 'POST sessions/revoke (counted for the caller)',
          path: `/users/${upn}/sessions/revoke`,
          body: BENCH_ACTION_BODY,
        },
        {
          call: 'POST tap (caller, target and brake)',
          path: `/users/${upn}/tap`,
          body: { ...BENCH_ACTION_BODY, lifetimeMinutes: 60 },
        },
      ];
      const figures: OverheadCase[] = [];
      for (const { call, path, body } of cases) {
        const latencies = stacks.map(() => [] as number[]);
        for (let run = 0; run < warmUp + runs; run += 1) {
          for (const [index, stack] of stacks.entries()) {
            stack.graph.reset();
            const elapsed = await timed(stack, path, body, `${call} (host ${index})`);
            if (run >= warmUp) latencies[index]!.push(elapsed);
          }
        }
        const [off, callerCheck, on] = latencies.map((values) => summarize(values));
        figures.push({ call, off: off!, callerCheck: callerCheck!, on: on!, runs });
      }
      return figures;
    },
  );
}

/** The demo tenant plus `count` copies of its ordinary user, `takeover-N`: the bench's own seed. */
function takeoverTenant(stack: Stack, count: number): { seed: TenantSeed; users: UserSeed[] } {
  const base = stack.graph.state();
  const template = base.users.find((user) => user.userPrincipalName === base.demo.ordinaryUser);
  if (!template) throw new Error('the demo tenant has no ordinaryUser');
  const [, domain] = template.userPrincipalName.split('@');
  const users = Array.from({ length: count }, (_, n) => ({
    ...template,
    id: randomUUID(),
    userPrincipalName: `takeover-${n}@${domain}`,
    mail: `takeover-${n}@${domain}`,
    displayName: `Takeover ${n}`,
    authenticationMethods: template.authenticationMethods.map((method) => ({ ...method })),
  }));
  return { seed: { ...base, users: [...base.users, ...users] }, users };
}

/**
 * One caller (the helpdesk's token) sends a TAP request for each of 100 users at once, with the
 * default limits: how many passes are issued before the brake holds (the goal: no more than
 * BRAKE_USERS, 10).
 */
export async function measureMassTakeover(): Promise<MassTakeover> {
  return await withStacks(
    [{ hostPort: 0, timers: false, directoryThrottling: NO_THROTTLING }],
    async ([stack]) => await takeover(stack!),
  );
}

async function takeover(stack: Stack): Promise<MassTakeover> {
  const { seed, users } = takeoverTenant(stack, MASS_TAKEOVER_USERS);
  stack.graph.reset(seed);
  const started = performance.now();
  const answers = await Promise.all(
    users.map((user) => post(stack, `/users/${user.id}/tap`, { ...BENCH_ACTION_BODY, lifetimeMinutes: 60 })),
  );
  const wallMs = performance.now() - started;
  const counts: Record<string, number> = {};
  for (const { status, code } of answers) {
    const key = code ? `${status} ${code}` : String(status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return {
    requests: users.length,
    answers: counts,
    succeeded: answers.filter((answer) => answer.status === 201).length,
    brakeUsers: 10,
    wallMs,
  };
}
