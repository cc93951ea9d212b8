import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { TableClient, TableServiceClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';

import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { callStack, runFunctionNow } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// A short TAP policy cache, so a test can change the policy without waiting a minute.
// The limits are off: these tests act on the same few users many times (test/e2e/limits.test.ts
// covers the limits). The SMS and voice retirement is pinned in the past, so the phone answers
// don't depend on today's date.
const stack = useStack(
  {
    appSettings: {
      TAP_POLICY_CACHE_SECONDS: '1',
      RECOVERY_LIMITS_ENABLED: 'false',
      TELEPHONY_RETIREMENT_DATE: '2001-02-01',
    },
  },
  { resetGraphBeforeEach: true },
);
/** Just over the TAP_POLICY_CACHE_SECONDS this stack runs with. */
const TAP_POLICY_CACHE_MS = 1100;
const TAP_POLICY = demoSeed().policies.temporaryAccessPass;

const VERIFIED = {
  ticket: 'INC0012345',
  verification: { method: 'video_call', reference: 'Teams call, badge shown' },
};

/** A mutating call carries a fresh Idempotency-Key unless the test sends its own. */
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  callStack(stack(), method, path, body, {
    ...(body === undefined ? {} : { 'idempotency-key': randomUUID() }),
    ...headers,
  });

const userPath = (upn: string) => `/users/${encodeURIComponent(upn)}`;
const graphWrites = () =>
  stack()
    .graph.requests()
    .filter((request) => request.method !== 'GET' && !request.path.endsWith('$batch'));

const refIds = (refs: unknown) => (refs as { id: string }[]).map((ref) => ref.id).sort();

async function remainingMethodTypes(upn: string): Promise<string[]> {
  const answer = await call('GET', `${userPath(upn)}/methods`);
  return (answer.body.methods as { type: string }[]).map((method) => method.type).sort();
}

describe('POST /api/users/{user}/mfa/reset', () => {
  it.each(['ordinaryUser', 'everyMethodUser'] as const)(
    'a default reset of %s removes every method but the password and revokes sessions',
    async (role) => {
      const user = demoSeedUser(role);
      const removable = user.authenticationMethods.filter((method) => method.type !== 'password');
      const answer = await call('POST', `${userPath(user.userPrincipalName)}/mfa/reset`, VERIFIED);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        outcome: 'complete',
        sessionsRevoked: true,
        failed: [],
        remaining: [],
      });
      expect(refIds(answer.body.removed)).toEqual(removable.map((method) => method.id).sort());
      expect(await remainingMethodTypes(user.userPrincipalName)).toEqual(['password']);
    },
  );

  it('plans without changing anything in dry-run mode', async () => {
    const user = demoSeedUser('ordinaryUser');
    const answer = await call('POST', `${userPath(user.userPrincipalName)}/mfa/reset`, {
      ...VERIFIED,
      dryRun: true,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe('planned');
    const removable = user.authenticationMethods.filter((method) => method.type !== 'password');
    expect(refIds(answer.body.planned)).toEqual(removable.map((method) => method.id).sort());
    expect(graphWrites()).toHaveLength(0);
  });

  it('reports partial after an injected failure, and a repeat finishes the job', async () => {
    const user = demoSeedUser('ordinaryUser');
    stack().graph.injectFault({ method: 'DELETE', path: '/fido2Methods/', status: 500, count: 5 });
    const first = await call('POST', `${userPath(user.userPrincipalName)}/mfa/reset`, VERIFIED);
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('partial');
    const fido2 = user.authenticationMethods.filter((method) => method.type === 'fido2');
    expect(refIds(first.body.failed)).toEqual(fido2.map((method) => method.id).sort());
    expect(refIds(first.body.remaining)).toEqual(fido2.map((method) => method.id).sort());
    stack().graph.clearFaults();
    stack().graph.clearRequests();
    const second = await call('POST', `${userPath(user.userPrincipalName)}/mfa/reset`, VERIFIED);
    expect(second.body.outcome).toBe('complete');
    const deletes = stack()
      .graph.requests()
      .filter((request) => request.method === 'DELETE');
    expect(deletes.map((request) => request.path).every((path) => path.includes('/fido2Methods/'))).toBe(
      true,
    );
    expect(await remainingMethodTypes(user.userPrincipalName)).toEqual(['password']);
  });

  it('refuses the Global Administrator with protected_account and changes nothing', async () => {
    const admin = demoSeedUser('globalAdministrator');
    const answer = await call('POST', `${userPath(admin.userPrincipalName)}/mfa/reset`, VERIFIED);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('protected_account');
    expect(graphWrites()).toHaveLength(0);
  });

  it('refuses the break-glass account by object id, and raises a high-severity event', async () => {
    const breakGlass = demoSeedUser('breakGlass');
    const answer = await call('POST', `/users/${breakGlass.id}/mfa/reset`, VERIFIED);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('break_glass_account');
    expect(graphWrites()).toHaveLength(0);
    const events = await queueMessages();
    expect(
      events.some(
        (event) => event.type === 'security.break_glass_attempt' && event.targetId === breakGlass.id,
      ),
    ).toBe(true);
  });

  it('needs an Idempotency-Key', async () => {
    const user = demoSeedUser('ordinaryUser');
    const answer = await call('POST', `${userPath(user.userPrincipalName)}/mfa/reset`, VERIFIED, {
      'idempotency-key': '',
    });
    expect(answer.status).toBe(400);
  });

  it('refuses a verification method that is not allowed, and audits the refusal', async () => {
    const user = demoSeedUser('ordinaryUser');
    const answer = await call('POST', `${userPath(user.userPrincipalName)}/mfa/reset`, {
      ...VERIFIED,
      verification: { method: 'email_reply', reference: 'x' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('verification_not_allowed');
    const audit = await call('GET', `/audit?outcome=refused&action=mfa.reset`);
    expect(
      (audit.body.entries as { code?: string }[]).some((entry) => entry.code === 'verification_not_allowed'),
    ).toBe(true);
  });
});

describe('POST /api/users/{user}/tap', () => {
  it('issues a one-time pass once, with no-store, and replays it without the pass', async () => {
    const user = demoSeedUser('ordinaryUser');
    const key = randomUUID();
    const first = await call('POST', `${userPath(user.userPrincipalName)}/tap`, VERIFIED, {
      'idempotency-key': key,
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('cache-control')).toBe('no-store');
    // The seeded policy's length and default lifetime; one-time use is what the app always asks.
    expect(first.body.temporaryAccessPass).toHaveLength(TAP_POLICY.defaultLength);
    expect(first.body).toMatchObject({
      isUsableOnce: true,
      lifetimeInMinutes: TAP_POLICY.defaultLifetimeInMinutes,
    });
    const replay = await call('POST', `${userPath(user.userPrincipalName)}/tap`, VERIFIED, {
      'idempotency-key': key,
    });
    expect(replay.status).toBe(201);
    expect(replay.body.temporaryAccessPass).toBeNull();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const creates = stack()
      .graph.requests()
      .filter((request) => request.method === 'POST' && request.path.endsWith('/temporaryAccessPassMethods'));
    expect(creates).toHaveLength(1);
    const reused = await call(
      'POST',
      `${userPath(user.userPrincipalName)}/tap`,
      { ...VERIFIED, lifetimeMinutes: 120 },
      { 'idempotency-key': key },
    );
    expect(reused.status).toBe(422);
    await expectPassNowhere(first.body.temporaryAccessPass as string);
  });

  it('creates exactly one pass for ten concurrent requests with one key', async () => {
    const user = demoSeedUser('ordinaryUser');
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('POST', `${userPath(user.userPrincipalName)}/tap`, VERIFIED, { 'idempotency-key': key }),
      ),
    );
    const creates = stack()
      .graph.requests()
      .filter((request) => request.method === 'POST' && request.path.endsWith('/temporaryAccessPassMethods'));
    expect(creates).toHaveLength(1);
    const passes = answers.filter((answer) => typeof answer.body.temporaryAccessPass === 'string');
    expect(passes).toHaveLength(1);
    for (const answer of answers) expect([201, 409]).toContain(answer.status);
  });

  it('refuses with tap_policy_disabled when the tenant has turned TAP off', async () => {
    const user = demoSeedUser('ordinaryUser');
    const tenant = stack().graph.state();
    stack().graph.reset({
      ...tenant,
      policies: {
        ...tenant.policies,
        temporaryAccessPass: { ...tenant.policies.temporaryAccessPass, state: 'disabled' },
      },
    });
    await sleep(TAP_POLICY_CACHE_MS);
    stack().graph.clearRequests();
    const answer = await call('POST', `${userPath(user.userPrincipalName)}/tap`, VERIFIED);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('tap_policy_disabled');
    expect(graphWrites()).toHaveLength(0);
    // Let the app's cached (disabled) policy expire before the next test.
    stack().graph.reset();
    await sleep(TAP_POLICY_CACHE_MS);
  });

  it('refuses a lifetime outside the policy, stating the range', async () => {
    const user = demoSeedUser('ordinaryUser');
    const answer = await call('POST', `${userPath(user.userPrincipalName)}/tap`, {
      ...VERIFIED,
      lifetimeMinutes: 10_000,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toContain(
      `between ${TAP_POLICY.minimumLifetimeInMinutes} and ${TAP_POLICY.maximumLifetimeInMinutes} minutes`,
    );
    expect(graphWrites()).toHaveLength(0);
  });
});

describe('POST /api/users/{user}/methods/phone', () => {
  it('adds an office phone and refuses a second mobile', async () => {
    const user = demoSeedUser('ordinaryUser');
    const mobile = await call('POST', `${userPath(user.userPrincipalName)}/methods/phone`, {
      ...VERIFIED,
      phoneNumber: '+14255550111',
      phoneType: 'mobile',
    });
    expect(mobile.status).toBe(409);
    expect(mobile.body.code).toBe('method_exists');
    const invalid = await call('POST', `${userPath(user.userPrincipalName)}/methods/phone`, {
      ...VERIFIED,
      phoneNumber: '425-555-0111',
      phoneType: 'alternateMobile',
    });
    expect(invalid.status).toBe(400);
    const added = await call('POST', `${userPath(user.userPrincipalName)}/methods/phone`, {
      ...VERIFIED,
      phoneNumber: '+14255550111',
      phoneType: 'alternateMobile',
    });
    expect(added.status).toBe(201);
    // The answer masks all but the last four digits; Graph stores its own form of the number.
    expect(added.body.method).toMatchObject({ phoneNumber: '+* ******0111', phoneType: 'alternateMobile' });
    // Added after the (pinned) retirement with Microsoft's telephony: added, with a warning.
    expect(added.body.warnings).toEqual([
      { code: 'telephony_retired', message: expect.stringContaining('2001-02-01') as unknown },
    ]);
    const stored = stack()
      .graph.state()
      .users.find((seeded) => seeded.id === user.id)?.authenticationMethods;
    expect(stored).toContainEqual(
      expect.objectContaining({ type: 'phone', phoneType: 'alternateMobile', phoneNumber: '+1 4255550111' }),
    );
  });
});

describe('DELETE /api/users/{user}/methods/{methodId}', () => {
  it('deletes one method through its type, refuses the password and unknown ids', async () => {
    const user = demoSeedUser('ordinaryUser');
    const fido2 = user.authenticationMethods.find((method) => method.type === 'fido2');
    const password = user.authenticationMethods.find((method) => method.type === 'password');
    const removed = await call(
      'DELETE',
      `${userPath(user.userPrincipalName)}/methods/${fido2?.id}`,
      VERIFIED,
    );
    expect(removed.status).toBe(200);
    expect(
      stack()
        .graph.requests()
        .some((request) => request.method === 'DELETE' && request.path.includes('/fido2Methods/')),
    ).toBe(true);
    const refused = await call(
      'DELETE',
      `${userPath(user.userPrincipalName)}/methods/${password?.id}`,
      VERIFIED,
    );
    expect(refused.status).toBe(409);
    const missing = await call(
      'DELETE',
      `${userPath(user.userPrincipalName)}/methods/${randomUUID()}`,
      VERIFIED,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('method_not_found');
  });
});

describe('GET /api/audit', () => {
  it('holds one entry per attempt: allowed, refused and failed', async () => {
    const user = demoSeedUser('ordinaryUser');
    const admin = demoSeedUser('globalAdministrator');
    const allowed = await call('POST', `/users/${user.id}/sessions/revoke`, {
      ...VERIFIED,
      ticket: 'INC-ALLOWED',
    });
    expect(allowed.status).toBe(200);
    const refused = await call('POST', `/users/${admin.id}/sessions/revoke`, {
      ...VERIFIED,
      ticket: 'INC-REFUSED',
    });
    expect(refused.status).toBe(403);
    stack().graph.injectFault({
      method: 'POST',
      path: '/revokeSignInSessions$',
      status: 500,
      count: 10,
      retryAfter: 0,
    });
    const failed = await call('POST', `/users/${user.id}/sessions/revoke`, {
      ...VERIFIED,
      ticket: 'INC-FAILED',
    });
    expect(failed.status).toBe(503);
    const audit = await call('GET', `/audit?action=sessions.revoke&limit=10`);
    const entries = audit.body.entries as {
      ticket: string;
      outcome: string;
      correlationId: string;
      code?: string;
    }[];
    const byTicket = (ticket: string) => entries.find((entry) => entry.ticket === ticket);
    expect(byTicket('INC-ALLOWED')).toMatchObject({
      outcome: 'succeeded',
      correlationId: allowed.headers.get('x-correlation-id'),
    });
    expect(byTicket('INC-REFUSED')).toMatchObject({ outcome: 'refused', code: 'protected_account' });
    expect(byTicket('INC-FAILED')).toMatchObject({ outcome: 'failed', code: 'graph_unavailable' });
    expect(entries.map((entry) => entry.ticket).slice(0, 3)).toEqual([
      'INC-FAILED',
      'INC-REFUSED',
      'INC-ALLOWED',
    ]);
  });
});

describe('POST /api/users/{user}/sessions/revoke', () => {
  it('revokes sign-in sessions', async () => {
    const user = demoSeedUser('ordinaryUser');
    const answer = await call('POST', `${userPath(user.userPrincipalName)}/sessions/revoke`, VERIFIED);
    expect(answer.status).toBe(200);
    expect(
      stack()
        .graph.requests()
        .some((request) => request.path.endsWith('/revokeSignInSessions')),
    ).toBe(true);
  });
});

describe('per-user MFA suspension', () => {
  it('suspends, extends within the bound, and restores now', async () => {
    const user = demoSeedUser('ordinaryUser');
    const first = await call('POST', `${userPath(user.userPrincipalName)}/mfa/suspend`, {
      ...VERIFIED,
      minutes: 30,
    });
    expect(first.status).toBe(201);
    const previous = first.body.previousState;
    const again = await call('POST', `${userPath(user.userPrincipalName)}/mfa/suspend`, {
      ...VERIFIED,
      minutes: 60,
    });
    expect(again.status).toBe(200);
    expect(again.body.extended).toBe(true);
    expect(again.body.previousState).toBe(previous);
    const tooLong = await call('POST', `${userPath(user.userPrincipalName)}/mfa/suspend`, {
      ...VERIFIED,
      minutes: 100_000,
    });
    expect(tooLong.status).toBe(400);
    const restored = await call('DELETE', `${userPath(user.userPrincipalName)}/mfa/suspend`, VERIFIED);
    expect(restored.status).toBe(200);
    expect(restored.body.perUserMfaState).toBe(previous);
    const none = await call('DELETE', `${userPath(user.userPrincipalName)}/mfa/suspend`, VERIFIED);
    expect(none.status).toBe(404);
  });

  it('is restored by the timer once the suspension has ended', async () => {
    const user = demoSeedUser('ordinaryUser');
    const suspended = await call('POST', `${userPath(user.userPrincipalName)}/mfa/suspend`, {
      ...VERIFIED,
      minutes: 5,
    });
    expect(suspended.status).toBe(201);
    await endSuspensionNow(user.id);
    stack().graph.clearRequests();
    await runFunctionNow(stack(), 'restoreSuspendedMfa');
    await expect
      .poll(
        () =>
          stack()
            .graph.requests()
            .some(
              (request) =>
                request.method === 'PATCH' &&
                request.path.endsWith('/requirements') &&
                request.status === 204,
            ),
        { timeout: 10_000 },
      )
      .toBe(true);
    // The timer audits after Graph answered: wait for the row to leave `started`.
    await expect
      .poll(
        async () =>
          (
            (await call('GET', `/audit?action=mfa.restore&userId=${user.id}`)).body.entries as {
              outcome: string;
            }[]
          )[0]?.outcome,
        { timeout: 10_000 },
      )
      .toBe('succeeded');
  });
});

async function endSuspensionNow(userId: string): Promise<void> {
  const table = TableClient.fromConnectionString(stack().storageConnectionString, 'Suspensions', {
    allowInsecureConnection: true,
  });
  for await (const entity of table.listEntities<{ endsAt: string }>()) {
    if (entity.rowKey === userId.toLowerCase()) {
      await table.updateEntity(
        {
          partitionKey: entity.partitionKey ?? '',
          rowKey: entity.rowKey,
          endsAt: new Date(Date.now() - 1000).toISOString(),
        },
        'Merge',
      );
    }
  }
}

async function queueMessages(): Promise<Record<string, unknown>[]> {
  const queue = QueueServiceClient.fromConnectionString(stack().storageConnectionString).getQueueClient(
    'recovery-events',
  );
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => JSON.parse(item.messageText) as Record<string, unknown>);
}

/** docs/threat-model.md, "TAP leakage": a pass may appear in its one 201 response and nowhere else. */
async function expectPassNowhere(pass: string): Promise<void> {
  expect(stack().host.output()).not.toContain(pass);
  const tables = TableServiceClient.fromConnectionString(stack().storageConnectionString, {
    allowInsecureConnection: true,
  });
  for await (const table of tables.listTables()) {
    for await (const entity of TableClient.fromConnectionString(
      stack().storageConnectionString,
      table.name ?? '',
      { allowInsecureConnection: true },
    ).listEntities()) {
      expect(JSON.stringify(entity)).not.toContain(pass);
    }
  }
  expect(JSON.stringify(await queueMessages())).not.toContain(pass);
  expect(JSON.stringify(stack().graph.requests())).not.toContain(pass);
}
