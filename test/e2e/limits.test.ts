import { randomUUID } from 'node:crypto';

import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FunctionsHostProcess } from '../../local/functions-host-process';
import type { Stack } from '../../local/stack';
import { restartHost } from '../support/restart-host';
import { callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// Small limits, so each one is reached in a few calls. Every change is made by the demo helpdesk
// caller; the administrator's calls are not recovery actions and are not counted.
const LIMITS = {
  LIMIT_TAPS_PER_TARGET: '2',
  LIMIT_RESETS_PER_TARGET: '1',
  BRAKE_USERS: '3',
  LIMIT_CALLER_CALLS_PER_HOUR: '8',
};
/** Once the caller limit has been shown, the rest runs with room for the same caller. */
const LIMITS_AFTER_CALLER_STEP = { ...LIMITS, LIMIT_CALLER_CALLS_PER_HOUR: '60' };
const DAY_SECONDS = 24 * 3600;

const stack = useStack({ appSettings: LIMITS });
let target: Pick<Stack, 'baseUrl' | 'functionKey' | 'callerAuth' | 'callerTokens'>;
let restarted: FunctionsHostProcess | undefined;

beforeAll(() => {
  target = stack();
});

afterAll(async () => {
  await restarted?.stop();
});

const VERIFIED = {
  ticket: 'INC0012345',
  verification: { method: 'video_call', reference: 'Teams call, badge shown' },
};
const post = (path: string, body: unknown = VERIFIED) =>
  callStack(target, 'POST', path, body, { 'idempotency-key': randomUUID() });
const get = (path: string) => callStack(target, 'GET', path);
const asAdmin = (method: string, path: string, body: unknown) =>
  callStack(target, method, path, body, {}, 'admin');
const tap = (upn: string) => post(`/users/${upn}/tap`, { ...VERIFIED, lifetimeMinutes: 60 });
const reset = (upn: string) => post(`/users/${upn}/mfa/reset`);
const revoke = (upn: string) => post(`/users/${upn}/sessions/revoke`);

async function events(): Promise<Record<string, unknown>[]> {
  const queue = QueueServiceClient.fromConnectionString(stack().storageConnectionString).getQueueClient(
    'recovery-events',
  );
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => JSON.parse(item.messageText) as Record<string, unknown>);
}

// One caller, one tenant: the steps build on each other's counts, in order.
describe('limits, the brake and the kill switch over HTTP', () => {
  it('refuses a third TAP for one user with 429 target_rate_limited and a day-long Retry-After', async () => {
    expect((await tap('AdeleV@contoso.onmicrosoft.com')).status).toBe(201);
    expect((await tap('AdeleV@contoso.onmicrosoft.com')).status).toBe(201);
    const refused = await tap('AdeleV@contoso.onmicrosoft.com');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('target_rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(DAY_SECONDS - 300);
    expect(retryAfter).toBeLessThanOrEqual(DAY_SECONDS);
    const audit = await get('/audit?action=tap.issue&outcome=refused');
    expect(audit.body.entries).toEqual([
      expect.objectContaining({ code: 'target_rate_limited', targetUpn: 'AdeleV@contoso.onmicrosoft.com' }),
    ]);
    expect(await events()).toContainEqual(
      expect.objectContaining({
        type: 'recovery.action.refused',
        severity: 'high',
        details: expect.objectContaining({ code: 'target_rate_limited' }) as unknown,
      }),
    );
  });

  it('refuses a second reset of one user in the day (its own limit)', async () => {
    expect((await reset('DiegoS@contoso.onmicrosoft.com')).status).toBe(200);
    const refused = await reset('DiegoS@contoso.onmicrosoft.com');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('target_rate_limited');
  });

  it('refuses the caller past its hourly count with 429 caller_rate_limited, whatever the route', async () => {
    // Three changes so far (two TAPs, one reset); refusals are not counted.
    for (let call = 4; call <= 8; call++)
      expect((await revoke('LeeG@contoso.onmicrosoft.com')).status).toBe(200);
    const refused = await revoke('LeeG@contoso.onmicrosoft.com');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('caller_rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3600 - 300);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // A higher limit (a restart with a new setting) lets the same caller on: the count is stored, not the verdict.
    ({ host: restarted, ...target } = await restartHost(stack(), {
      ...LIMITS,
      LIMIT_CALLER_CALLS_PER_HOUR: '60',
    }));
  });

  it('engages the brake on the fourth distinct user, refuses every change after it, and reads stay open', async () => {
    // AdeleV and DiegoS are counted; IsaiahL is the third and last the brake allows.
    expect((await tap('IsaiahL@contoso.onmicrosoft.com')).status).toBe(201);
    const tripped = await tap('JohannaL@contoso.onmicrosoft.com');
    expect(tripped.status).toBe(503);
    expect(tripped.body.code).toBe('brake_engaged');
    const revoked = await revoke('LeeG@contoso.onmicrosoft.com');
    expect(revoked.status).toBe(503);
    expect(revoked.body.code).toBe('brake_engaged');
    expect((await get('/users/LeeG@contoso.onmicrosoft.com/methods')).status).toBe(200);
    expect((await callStack(target, 'GET', '/health')).status).toBe(200);
    expect((await get('/service/writes')).body).toMatchObject({ enabled: true, brake: { engaged: true } });
    const trips = (await events()).filter((event) => event.type === 'security.brake_engaged');
    expect(trips).toEqual([
      expect.objectContaining({ severity: 'high', targetUpn: 'JohannaL@contoso.onmicrosoft.com' }),
    ]);
    const audit = await get('/audit?userId=JohannaL@contoso.onmicrosoft.com');
    expect(audit.body.entries).toEqual([
      expect.objectContaining({ outcome: 'refused', code: 'brake_engaged' }),
    ]);
  });

  it('holds the brake after a restart of the host on the same storage', async () => {
    await restarted?.stop();
    ({ host: restarted, ...target } = await restartHost(stack(), LIMITS_AFTER_CALLER_STEP));
    const refused = await tap('JohannaL@contoso.onmicrosoft.com');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('brake_engaged');
    expect((await get('/service/writes')).body).toMatchObject({ brake: { engaged: true } });
  });

  it('releases the brake only for Recovery.Admin, audited; changes go through again', async () => {
    const forbidden = await post('/brake/release', { reason: 'mass onboarding, checked' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('forbidden');
    const released = await asAdmin('POST', '/brake/release', { reason: 'mass onboarding, checked' });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ released: true, brake: { engaged: false } });
    expect((await tap('JohannaL@contoso.onmicrosoft.com')).status).toBe(201);
    const audit = await get('/audit?action=brake.release');
    expect(audit.body.entries).toEqual([
      expect.objectContaining({ outcome: 'succeeded', reason: 'mass onboarding, checked' }),
    ]);
    expect((await events()).filter((event) => event.type === 'security.brake_released')).toHaveLength(1);
  });

  it('switches every change off for every instance with PUT /api/service/writes, and on again', async () => {
    const helpdesk = await callStack(target, 'PUT', '/service/writes', { enabled: false });
    expect(helpdesk.status).toBe(403);
    const off = await asAdmin('PUT', '/service/writes', { enabled: false, reason: 'incident 42' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, stored: { enabled: false } });
    // Another instance (a restarted host) reads the stored switch on its first call.
    await restarted?.stop();
    ({ host: restarted, ...target } = await restartHost(stack(), LIMITS_AFTER_CALLER_STEP));
    const refused = await revoke('LeeG@contoso.onmicrosoft.com');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('service_disabled');
    expect((await get('/users/LeeG@contoso.onmicrosoft.com/methods')).status).toBe(200);
    expect((await asAdmin('PUT', '/service/writes', { enabled: true })).status).toBe(200);
    expect((await revoke('LeeG@contoso.onmicrosoft.com')).status).toBe(200);
  });

  it('switches every change off with RECOVERY_WRITES_ENABLED=false; reads and health stay up', async () => {
    await restarted?.stop();
    ({ host: restarted, ...target } = await restartHost(stack(), {
      ...LIMITS,
      RECOVERY_WRITES_ENABLED: 'false',
    }));
    for (const answer of [
      await tap('LeeG@contoso.onmicrosoft.com'),
      await revoke('LeeG@contoso.onmicrosoft.com'),
    ]) {
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('service_disabled');
    }
    expect((await get('/users/LeeG@contoso.onmicrosoft.com/methods')).status).toBe(200);
    expect((await callStack(target, 'GET', '/health')).status).toBe(200);
    expect((await get('/service/writes')).body).toMatchObject({
      enabled: false,
      setting: { RECOVERY_WRITES_ENABLED: false },
    });
  });
});
