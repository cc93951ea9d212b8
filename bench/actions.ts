import { randomUUID } from 'node:crypto';

import type { AuthenticationMethodSeed, TenantSeed, UserSeed } from '../local/graph';
import type { Stack } from '../local/stack';
import { summarize } from './stats';

/** Method ids Graph fixes per type: kept as they are in the copies. */
const FIXED_ID_TYPES = new Set(['password', 'phone', 'email']);

export interface ActionFigures {
  action: string;
  median: number;
  p95: number;
  /** Top-level HTTP requests to Graph (a $batch counts once), median over the runs. */
  graphRequests: number;
  runs: number;
}

const withNewId = <Method extends AuthenticationMethodSeed>(method: Method): Method => ({
  ...method,
  id: randomUUID(),
});

/** A copy of `template` named `bench-N`, with its password and the first `methods` removable methods. */
function benchUser(template: UserSeed, methods: number): UserSeed {
  const removable = template.authenticationMethods.filter((method) => method.type !== 'password');
  const password = template.authenticationMethods.filter((method) => method.type === 'password');
  const kept = [...password, ...removable.slice(0, methods)].map((method) =>
    FIXED_ID_TYPES.has(method.type) ? method : withNewId(method),
  );
  const [, domain] = template.userPrincipalName.split('@');
  return {
    ...template,
    id: randomUUID(),
    userPrincipalName: `bench-${methods}@${domain}`,
    mail: `bench-${methods}@${domain}`,
    displayName: `Bench ${methods} methods`,
    authenticationMethods: kept,
  };
}

export const BENCH_METHOD_COUNTS = [1, 5, 12] as const;

/** The stack's tenant plus one copy of the every-method user per method count (`users`, in count order). */
export function benchTenant(stack: Stack): { seed: TenantSeed; users: UserSeed[] } {
  const base = stack.graph.state();
  const template = base.users.find((user) => user.userPrincipalName === base.demo.everyMethodUser);
  if (!template) throw new Error('the demo tenant has no everyMethodUser');
  const users = BENCH_METHOD_COUNTS.map((count) => benchUser(template, count));
  return { seed: { ...base, users: [...base.users, ...users] }, users };
}

/** What every bench action sends besides its own fields. */
export const BENCH_ACTION_BODY = {
  ticket: 'BENCH-1',
  verification: { method: 'video_call', reference: 'bench' },
};

/** POSTs one action through the local host with a fresh Idempotency-Key; anything but 2xx fails the bench. */
export async function postAction(stack: Stack, path: string, body: unknown, label: string): Promise<void> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${stack.callerTokens.helpdesk}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${label}: ${response.status} ${text}`);
}

/**
 * Round trips and latency of each action through the local host, against a tenant holding one
 * user per method count; the tenant is put back before every run.
 */
export async function measureActions(stack: Stack, runs: number): Promise<ActionFigures[]> {
  const { seed, users: benchUsers } = benchTenant(stack);
  const counts: readonly number[] = BENCH_METHOD_COUNTS;
  const body = BENCH_ACTION_BODY;
  const idOf = (count: number) => benchUsers[counts.indexOf(count)]!.id;
  const upnOf = (count: number) => benchUsers[counts.indexOf(count)]!.userPrincipalName;
  const phone = { ...body, phoneNumber: '+14255550199', phoneType: 'office' };
  const scenarios = [
    ...counts.map((count) => ({
      action: `reset, ${count} method${count === 1 ? '' : 's'}, by id`,
      path: `/users/${idOf(count)}/mfa/reset`,
      body,
    })),
    { action: 'reset, 12 methods, by UPN', path: `/users/${upnOf(12)}/mfa/reset`, body },
    { action: 'TAP, by id', path: `/users/${idOf(5)}/tap`, body },
    { action: 'TAP, by UPN', path: `/users/${upnOf(5)}/tap`, body },
    { action: 'add phone, by id', path: `/users/${idOf(1)}/methods/phone`, body: phone },
  ];
  const figures: ActionFigures[] = [];
  for (const scenario of scenarios) {
    const latencies: number[] = [];
    const requests: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      stack.graph.reset(seed);
      stack.graph.clearRequests();
      const sent = performance.now();
      await postAction(stack, scenario.path, scenario.body, scenario.action);
      latencies.push(performance.now() - sent);
      requests.push(stack.graph.requests().filter((request) => !request.inBatch).length);
    }
    const latency = summarize(latencies);
    figures.push({
      action: scenario.action,
      median: latency.median,
      p95: latency.p95,
      graphRequests: summarize(requests).median,
      runs,
    });
  }
  stack.graph.reset();
  return figures;
}
