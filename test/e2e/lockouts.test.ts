import { randomUUID } from 'node:crypto';

import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';

import { demoSeedUser } from '../support/demo-tenant';
import { callStack, runFunctionNow } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// Lockout detection end to end: failures injected in the simulator, the scan triggered through the host's
// admin endpoint (as in Azure), flags read and resolved over the API.

const stack = useStack();

const call = (method: string, path: string, body?: unknown) => callStack(stack(), method, path, body);

/** A Temporary Access Pass for `userId` as the helpdesk, with an Idempotency-Key of its own. */
const issueTap = (userId: string, ticket: string) =>
  callStack(
    stack(),
    'POST',
    `/users/${userId}/tap`,
    { ticket, verification: { method: 'video_call', reference: 'r' } },
    { 'idempotency-key': randomUUID() },
  );

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** Three MFA prompts to `userId` left unanswered, 5 to 7 minutes ago: a lockout to the scan. */
const ignoredPrompts = (userId: string) =>
  stack().graph.addSignIns(
    [5, 6, 7].map((minutes) => ({
      userId,
      createdDateTime: minutesAgo(minutes),
      status: {
        errorCode: 500121,
        additionalDetails: 'MFA denied; user did not respond to mobile app notification',
      },
    })),
  );

const runScan = () => runFunctionNow(stack(), 'detectLockouts');

describe('lockout detection through the local host', () => {
  const locked = demoSeedUser('ordinaryUser');

  it('flags injected failures, lists them, and resolves one with PATCH', async () => {
    ignoredPrompts(locked.id);
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
    stack().graph.addSignIns([
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
    const queues = QueueServiceClient.fromConnectionString(stack().storageConnectionString);
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

  it('refuses the helpdesk a TAP and the closing of an open suspected-attack flag, audited and queued', async () => {
    // Flagged by the previous test: a denied prompt is an attack signal (docs/approvals.md).
    const target = demoSeedUser('everyMethodUser');
    const tap = await issueTap(target.id, 'INC-ATK-1');
    expect(tap.status).toBe(409);
    expect(tap.body.code).toBe('suspected_attack_open');
    const close = await call('PATCH', `/lockouts/${target.id}`, { status: 'resolved', ticket: 'INC-ATK-1' });
    expect([close.status, close.body.code]).toEqual([403, 'forbidden']);
    expect(String(close.body.detail)).toContain('Recovery.SecurityOps');
    expect((await call('GET', `/lockouts/${target.id}`)).body).toMatchObject({ status: 'open' });
    const audit = await call('GET', `/audit?userId=${target.id}`);
    expect(audit.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'tap.issue', outcome: 'refused', code: 'suspected_attack_open' }),
        expect.objectContaining({ action: 'lockout.resolve', outcome: 'refused', code: 'forbidden' }),
      ]),
    );
    const queues = QueueServiceClient.fromConnectionString(stack().storageConnectionString);
    const peeked = await queues.getQueueClient('recovery-events').peekMessages({ numberOfMessages: 32 });
    const types = peeked.peekedMessageItems
      .map((item) => JSON.parse(item.messageText) as { type: string; severity: string; targetId?: string })
      .filter((event) => event.targetId === target.id.toLowerCase() && event.severity === 'high')
      .map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['recovery.action.refused', 'lockout.flag_update_refused']));
  });

  it('shows approvals to the helpdesk, but lets only approvers decide them', async () => {
    const unknown = await call('GET', `/approvals/${randomUUID()}`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'approval_not_found']);
    const decide = await call('POST', `/approvals/${randomUUID()}/approve`);
    expect([decide.status, decide.body.code]).toEqual([403, 'forbidden']);
    expect(String(decide.body.detail)).toContain('Recovery.Approve');
  });

  it('resolves the flag when the user is given a Temporary Access Pass', async () => {
    const user = demoSeedUser('dollarUser');
    ignoredPrompts(user.id);
    await runScan();
    await expect
      .poll(async () => (await call('GET', `/lockouts/${user.id}`)).body.status, { timeout: 20_000 })
      .toBe('open');
    const tap = await issueTap(user.id, 'INC-TAP-1');
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
    const response = await fetch(`${stack().baseUrl}/health`);
    const body = (await response.json()) as { checks: { name: string; status: string }[] };
    expect(body.checks).toContainEqual(expect.objectContaining({ name: 'detection', status: 'healthy' }));
  });
});
