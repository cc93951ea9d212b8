import { randomUUID } from 'node:crypto';

import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';

import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// The limits are off: these tests recover the same user several times (the ledger's unit tests
// cover how a recovery counts).
const stack = useStack({ appSettings: { RECOVERY_LIMITS_ENABLED: 'false' } }, { resetGraphBeforeEach: true });
const TAP_POLICY = demoSeed().policies.temporaryAccessPass;

const VERIFIED = {
  ticket: 'INC0031337',
  verification: { method: 'video_call', reference: 'Teams call, badge shown' },
};

const recover = (upn: string, key = randomUUID(), caller: 'helpdesk' | 'reader' = 'helpdesk') =>
  callStack(
    stack(),
    'POST',
    `/users/${encodeURIComponent(upn)}/recover`,
    VERIFIED,
    { 'idempotency-key': key },
    caller,
  );

const tapCreates = () =>
  stack()
    .graph.requests()
    .filter((request) => request.method === 'POST' && request.path.endsWith('/temporaryAccessPassMethods'));
/** Writes, counting each step of a batch (the guard's reads go in a batch too). */
const graphWrites = () =>
  stack()
    .graph.requests()
    .filter((request) => request.method !== 'GET' && !request.path.endsWith('$batch'));

async function methodTypes(upn: string): Promise<string[]> {
  const answer = await callStack(stack(), 'GET', `/users/${encodeURIComponent(upn)}/methods`);
  return (answer.body.methods as { type: string }[]).map((method) => method.type).sort();
}

async function auditEntry(correlationId: string | null) {
  const audit = await callStack(stack(), 'GET', '/audit?action=mfa.recover&limit=20');
  return (audit.body.entries as { correlationId: string }[]).filter(
    (entry) => entry.correlationId === correlationId,
  );
}

async function queueMessages(): Promise<Record<string, unknown>[]> {
  const queue = QueueServiceClient.fromConnectionString(stack().storageConnectionString).getQueueClient(
    'recovery-events',
  );
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => JSON.parse(item.messageText) as Record<string, unknown>);
}

async function auditRows(): Promise<string> {
  const rows: unknown[] = [];
  const table = TableClient.fromConnectionString(stack().storageConnectionString, 'Audit', {
    allowInsecureConnection: true,
  });
  for await (const entity of table.listEntities()) rows.push(entity);
  return JSON.stringify(rows);
}

describe('POST /api/users/{user}/recover', () => {
  it('removes every removable method, revokes sessions, then issues one pass; a replay withholds it', async () => {
    const user = demoSeedUser('ordinaryUser');
    const key = randomUUID();
    const first = await recover(user.userPrincipalName, key);

    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const removable = user.authenticationMethods.filter((method) => method.type !== 'password');
    expect(first.body).toMatchObject({
      user: { id: user.id },
      outcome: 'complete',
      reset: { outcome: 'complete', remaining: [], sessionsRevoked: true, confirmed: true },
      tap: {
        issued: true,
        isUsableOnce: true,
        lifetimeInMinutes: TAP_POLICY.defaultLifetimeInMinutes,
      },
    });
    const removed = (first.body.reset as { removed: { id: string }[] }).removed.map((method) => method.id);
    expect(removed.sort()).toEqual(removable.map((method) => method.id).sort());
    const pass = (first.body.tap as { temporaryAccessPass: string }).temporaryAccessPass;
    expect(pass).toHaveLength(TAP_POLICY.defaultLength);
    // What is left: the password and the pass just issued.
    expect(await methodTypes(user.userPrincipalName)).toEqual(['password', 'temporaryAccessPass']);
    expect(tapCreates()).toHaveLength(1);

    const correlationId = first.headers.get('x-correlation-id');
    expect(await auditEntry(correlationId)).toEqual([
      expect.objectContaining({ action: 'mfa.recover', outcome: 'succeeded', ticket: VERIFIED.ticket }),
    ]);
    const events = (await queueMessages()).filter((event) => event.correlationId === correlationId);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'recovery.action.completed',
        action: 'mfa.recover',
        outcome: 'succeeded',
      }),
    ]);

    const replay = await recover(user.userPrincipalName, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toMatchObject({
      outcome: 'complete',
      tap: { temporaryAccessPass: null, passDisclosed: true },
    });
    expect(tapCreates()).toHaveLength(1);

    expect(stack().host.output()).not.toContain(pass);
    expect(await auditRows()).not.toContain(pass);
    expect(JSON.stringify(await queueMessages())).not.toContain(pass);
  });

  it('answers partial and issues no pass when a delete fails', async () => {
    const user = demoSeedUser('ordinaryUser');
    const fido2 = user.authenticationMethods.filter((method) => method.type === 'fido2');
    expect(fido2.length).toBeGreaterThan(0);
    const fault = await fetch(`${stack().graphUrl}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'DELETE', path: '/fido2Methods/', status: 500, count: 5 }),
    });
    expect(fault.status).toBe(201);

    const answer = await recover(user.userPrincipalName);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'partial',
      tap: { issued: false, reason: 'reset_incomplete' },
    });
    const remaining = (answer.body.reset as { remaining: { id: string }[] }).remaining.map(
      (method) => method.id,
    );
    expect(remaining.sort()).toEqual(fido2.map((method) => method.id).sort());
    expect(JSON.stringify(answer.body)).not.toContain('temporaryAccessPass');
    expect(tapCreates()).toEqual([]);
    expect(await methodTypes(user.userPrincipalName)).not.toContain('temporaryAccessPass');
    expect(await auditEntry(answer.headers.get('x-correlation-id'))).toEqual([
      expect.objectContaining({ outcome: 'partial' }),
    ]);
  });

  it('refuses a protected target without Recovery.Privileged, changing nothing', async () => {
    const admin = demoSeedUser('globalAdministrator');
    const answer = await recover(admin.userPrincipalName);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('protected_account');
    expect(graphWrites()).toEqual([]);
  });

  it('needs both Recovery.Reset and Recovery.IssueTap', async () => {
    const user = demoSeedUser('ordinaryUser');
    const answer = await recover(user.userPrincipalName, randomUUID(), 'reader');
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
    expect(graphWrites()).toEqual([]);
  });
});
