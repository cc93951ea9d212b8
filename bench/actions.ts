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

/**
 * Round trips and latency of each action through the local host, against a tenant holding one
 * user per method count; the tenant is put back before every run.
 */
export async function measureActions(stack: Stack, runs: number): Promise<ActionFigures[]> {
  const base = stack.graph.state();
  const template = base.users.find((user) => user.userPrincipalName === base.demo.everyMethodUser);
  if (!template) throw new Error('the demo tenant has no everyMethodUser');
  const counts = [1, 5, 12];
  const benchUsers = counts.map((count) => benchUser(template, count));
  const seed = { ...base, users: [...base.users, ...benchUsers] } as TenantSeed;
  const body = { ticket: 'BENCH-1', verification: { method: 'video_call', reference: 'bench' } };
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
      const response = await fetch(`${stack.baseUrl}${scenario.path}`, {
        method: 'POST',
        headers: {
          'x-functions-key': stack.functionKey,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify(scenario.body),
      });
      const text = await response.text();
      latencies.push(performance.now() - sent);
      if (response.status >= 300) throw new Error(`${scenario.action}: ${response.status} ${text}`);
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
