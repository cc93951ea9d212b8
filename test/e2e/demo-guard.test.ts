import { randomUUID } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { type Stack, startStack } from '../../local/stack';
import { demoSeedUser } from '../support/demo-tenant';
import { checkGraphCalls } from '../support/graph-calls-check';
import { callerHeaders } from '../support/stack-call';

// The stack as `npm start` runs it (local/start.ts passes no app settings of its own), so the
// README's examples against the demo tenant behave as the README says.

const stacks: Stack[] = [];

async function start(appSettings?: Record<string, string>): Promise<Stack> {
  const stack = await startStack({ hostPort: 0, timers: false, hostOutput: 'pipe', appSettings });
  stacks.push(stack);
  return stack;
}

checkGraphCalls(() => ({ requests: () => stacks.flatMap((stack) => stack.graph.requests()) }));

afterAll(async () => {
  for (const stack of stacks) await stack.stop();
});

async function reset(stack: Stack, upn: string): Promise<{ status: number; code: unknown }> {
  const response = await fetch(`${stack.baseUrl}/users/${encodeURIComponent(upn)}/mfa/reset`, {
    method: 'POST',
    headers: {
      ...callerHeaders(stack),
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({
      ticket: 'INC0012345',
      verification: { method: 'video_call', reference: 'Teams call' },
    }),
  });
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status, code: body.code };
}

const WARNING = /WARNING guard settings are empty/;

describe('the npm start stack', () => {
  it('protects the demo protected-group member and the break-glass account, without a warning', async () => {
    const stack = await start();
    const joni = demoSeedUser('protectedGroupMember');
    const breakGlass = demoSeedUser('breakGlass');
    expect(await reset(stack, joni.userPrincipalName)).toEqual({ status: 403, code: 'protected_account' });
    expect(await reset(stack, breakGlass.userPrincipalName)).toEqual({
      status: 403,
      code: 'break_glass_account',
    });
    expect(
      stack.graph
        .requests()
        .filter((request) => request.method !== 'GET' && !request.path.endsWith('$batch')),
    ).toEqual([]);
    expect(stack.host.output()).not.toMatch(WARNING);
  });

  it('warns once at start when PROTECTED_GROUP_IDS is empty', async () => {
    const stack = await start({ PROTECTED_GROUP_IDS: '' });
    const warnings = stack.host
      .output()
      .split('\n')
      .filter((line) => WARNING.test(line));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/PROTECTED_GROUP_IDS/);
    expect(warnings[0]).not.toMatch(/BREAK_GLASS_OBJECT_IDS/);
  });
});
