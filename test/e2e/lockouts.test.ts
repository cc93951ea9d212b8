import { randomUUID } from 'node:crypto';

import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Stack, startStack } from '../../local/stack';
import { demoSeedUser } from '../support/demo-tenant';
import { checkGraphCalls } from '../support/graph-calls-check';
import { callerHeaders } from '../support/stack-call';

// Lockout detection end to end: failures injected in the simulator, the scan triggered through the host's
// admin endpoint (as in Azure), flags read and resolved over the API.

let stack: Stack;
checkGraphCalls(() => stack?.graph);

beforeAll(async () => {
  stack = await startStack({ hostPort: 0, timers: false });
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...callerHeaders(stack),
      // PATCH /lockouts/{user} is still keyed by the host until it checks its caller itself.
      ...(method === 'PATCH' ? { 'x-functions-key': stack.functionKey } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function runScan(): Promise<void> {
  const run = await fetch(`${stack.baseUrl.replace(/\/api$/, '')}/admin/functions/detectLockouts`, {
    method: 'POST',
    headers: { 'x-functions-key': stack.masterKey, 'content-type': 'application/json' },
    body: JSON.stringify({ input: '' }),
  });
  expect(run.status).toBe(202);
}

describe('lockout detection through the local host', () => {
  const locked = demoSeedUser('ordinaryUser');

  it('flags injected failures, lists them, and resolves one with PATCH', async () => {
    stack.graph.addSignIns(
      [5, 6, 7].map((minutes) => ({
        userId: locked.id,
        createdDateTime: minutesAgo(minutes),
        status: {
          errorCode: 500121,
          additionalDetails: 'MFA denied; user did not respond to mobile app notification',
        },
      })),
    );
    await runScan();
    await expect
      .poll(async () => ((await call('GET', '/lockouts?status=open')).body.lockouts as unknown[]).length, {
        timeout: 20_000,
      })
      .toBe(1);
    const listed = await call('GET', '/lockouts?status=open&category=lockout');
    expect(listed.body.lockouts).toEqual([
      expect.objectContaining({
        userId: locked.id.toLowerCase(),
        category: 'lockout',
        status: 'open',
        lockoutAttempts: 3,
        protected: false,
      }),
    ]);
    // Bookkeeping stays inside: no counted-attempt keys, no ETag.
    expect(Object.keys((listed.body.lockouts as Record<string, unknown>[])[0] ?? {})).not.toEqual(
      expect.arrayContaining(['countedAttempts']),
    );
    expect(Object.keys((listed.body.lockouts as Record<string, unknown>[])[0] ?? {})).not.toContain('etag');

    const one = await call('GET', `/lockouts/${encodeURIComponent(locked.userPrincipalName)}`);
    expect(one.status).toBe(200);
    expect((one.body.recentEvents as unknown[]).length).toBe(3);

    const resolved = await call('PATCH', `/lockouts/${locked.id}`, { status: 'resolved', ticket: 'INC0042' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', ticket: 'INC0042' });
    expect(resolved.headers.get('x-correlation-id')).toBeTruthy();
    expect(((await call('GET', '/lockouts?status=open')).body.lockouts as unknown[]).length).toBe(0);
  });

  it('flags a denied prompt as a suspected attack, with a lockout-events message and a security event', async () => {
    const target = demoSeedUser('everyMethodUser');
    stack.graph.addSignIns([
      {
        userId: target.id,
        createdDateTime: minutesAgo(4),
        status: { errorCode: 500121, additionalDetails: 'MFA denied; user declined the authentication' },
      },
    ]);
    await runScan();
    await expect
      .poll(async () => (await call('GET', `/lockouts/${target.id}`)).body.category, { timeout: 20_000 })
      .toBe('suspected_attack');
    const queues = QueueServiceClient.fromConnectionString(stack.storageConnectionString);
    const lockoutEvents = await queues
      .getQueueClient('lockout-events')
      .peekMessages({ numberOfMessages: 32 });
    const messages = lockoutEvents.peekedMessageItems.map(
      (item) => JSON.parse(item.messageText) as Record<string, unknown>,
    );
    expect(messages).toContainEqual(
      expect.objectContaining({
        type: 'lockout.opened',
        userId: target.id.toLowerCase(),
        category: 'suspected_attack',
      }),
    );
    const security = await queues.getQueueClient('recovery-events').peekMessages({ numberOfMessages: 32 });
    expect(
      security.peekedMessageItems.map((item) => JSON.parse(item.messageText) as Record<string, unknown>),
    ).toContainEqual(
      expect.objectContaining({
        type: 'security.mfa_attack_suspected',
        severity: 'high',
        targetId: target.id.toLowerCase(),
      }),
    );
  });

  it('resolves the flag when the user is given a Temporary Access Pass', async () => {
    const user = demoSeedUser('dollarUser');
    stack.graph.addSignIns(
      [5, 6, 7].map((minutes) => ({
        userId: user.id,
        createdDateTime: minutesAgo(minutes),
        status: {
          errorCode: 500121,
          additionalDetails: 'MFA denied; user did not respond to mobile app notification',
        },
      })),
    );
    await runScan();
    await expect
      .poll(async () => (await call('GET', `/lockouts/${user.id}`)).body.status, { timeout: 20_000 })
      .toBe('open');
    const tap = await fetch(`${stack.baseUrl}/users/${user.id}/tap`, {
      method: 'POST',
      headers: {
        ...callerHeaders(stack),
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({ ticket: 'INC-TAP-1', verification: { method: 'video_call', reference: 'r' } }),
    });
    expect(tap.status).toBe(201);
    expect((await call('GET', `/lockouts/${user.id}`)).body).toMatchObject({
      status: 'resolved',
      ticket: 'INC-TAP-1',
    });
  });

  it('answers problem+json for an unknown flag, a bad status and a bad query', async () => {
    const missing = await call('GET', '/lockouts/nobody@contoso.com');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body.code).toBe('lockout_not_found');
    const bad = await call('PATCH', `/lockouts/${locked.id}`, { status: 'open', ticket: 'INC1' });
    expect(bad.status).toBe(400);
    expect((await call('GET', '/lockouts?status=closed')).status).toBe(400);
  });

  it('reports detection in /health', async () => {
    const response = await fetch(`${stack.baseUrl}/health`);
    const body = (await response.json()) as { checks: { name: string; status: string }[] };
    expect(body.checks).toContainEqual(expect.objectContaining({ name: 'detection', status: 'healthy' }));
  });
});
