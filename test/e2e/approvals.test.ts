import { randomUUID } from 'node:crypto';

import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';

import type { DemoCallerName } from '../../local/identity';
import { demoSeedUser } from '../support/demo-tenant';
import { type Answer, callStack, runFunctionNow } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// Two people for protected accounts and the attack-flag rules, over HTTP with the demo callers'
// tokens (docs/approvals.md): admin holds Recovery.Privileged (and every other role), approver only
// Read and Approve, helpdesk the everyday roles, securityOps Read and SecurityOps.

const stack = useStack();

const megan = demoSeedUser('globalAdministrator');
const BODY = {
  ticket: 'CHG0099',
  verification: { method: 'video_call', reference: 'Teams call, badge shown' },
};

const as = (
  caller: DemoCallerName,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => callStack(stack(), method, path, body, headers, caller);

const resetMegan = (caller: DemoCallerName, headers: Record<string, string>): Promise<Answer> =>
  as(caller, 'POST', `/users/${encodeURIComponent(megan.userPrincipalName)}/mfa/reset`, BODY, headers);

const graphWrites = () =>
  stack()
    .graph.requests()
    .filter((request) => request.method !== 'GET' && !request.path.endsWith('$batch'));

async function events(): Promise<Record<string, unknown>[]> {
  const queue = QueueServiceClient.fromConnectionString(stack().storageConnectionString).getQueueClient(
    'recovery-events',
  );
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => JSON.parse(item.messageText) as Record<string, unknown>);
}

const callerId = (answer: Answer) => (answer.body.requester as { id: string }).id;

describe('two people for a protected account', () => {
  it('asks (202), refuses self-approval, runs the approved repeat exactly once, and audits both names', async () => {
    const key = randomUUID();
    const asked = await resetMegan('admin', { 'idempotency-key': key });
    expect(asked.status).toBe(202);
    const id = String(asked.body.approvalId);
    const location = asked.headers.get('location');
    expect(location).toBe(`/api/approvals/${id}`);
    expect(graphWrites()).toHaveLength(0);

    const pending = await as('approver', 'GET', `/approvals/${id}`);
    expect(pending.body).toMatchObject({
      status: 'pending',
      action: 'mfa.reset',
      targetId: megan.id.toLowerCase(),
    });
    const requester = callerId(pending);

    const self = await as('admin', 'POST', `/approvals/${id}/approve`);
    expect([self.status, self.body.code]).toEqual([403, 'self_approval']);
    const byHelpdesk = await as('helpdesk', 'POST', `/approvals/${id}/approve`);
    expect([byHelpdesk.status, byHelpdesk.body.code]).toEqual([403, 'forbidden']);
    const approved = await as('approver', 'POST', `/approvals/${id}/approve`);
    expect(approved.status).toBe(200);
    const approver = (approved.body.decidedBy as { id: string }).id;
    expect(approver).not.toBe(requester);

    const repeat = await resetMegan('admin', { 'idempotency-key': key, 'approval-id': id });
    expect(repeat.status).toBe(200);
    const writes = graphWrites().length;
    expect(writes).toBeGreaterThan(0);
    const replay = await resetMegan('admin', { 'idempotency-key': key, 'approval-id': id });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const second = await resetMegan('admin', { 'idempotency-key': randomUUID(), 'approval-id': id });
    expect([second.status, second.body.code]).toEqual([409, 'approval_consumed']);
    expect(graphWrites()).toHaveLength(writes);
    expect((await as('approver', 'GET', `/approvals/${id}`)).body.status).toBe('consumed');

    const audit = await as('reader', 'GET', `/audit?userId=${megan.id}`);
    const rows = audit.body.entries as Record<string, unknown>[];
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'mfa.reset',
        caller: requester,
        approval: { id, approvedBy: approver },
        outcome: 'succeeded',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'approval.approve', caller: approver, outcome: 'succeeded' }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'approval.approve',
        caller: requester,
        outcome: 'refused',
        code: 'self_approval',
      }),
    );
    const decision = (await events()).find((event) => event.type === 'recovery.approval.approved');
    expect(decision?.details).toMatchObject({
      approvalId: id,
      requester: { id: requester },
      approver: { id: approver },
    });
  });

  it('lets an approval expire unused', async () => {
    const key = randomUUID();
    const id = String((await resetMegan('admin', { 'idempotency-key': key })).body.approvalId);
    expect((await as('approver', 'POST', `/approvals/${id}/approve`)).status).toBe(200);
    // The clock moves on: the stored approval's time runs out (APPROVAL_TTL_MINUTES, 30 by default).
    const table = TableClient.fromConnectionString(stack().storageConnectionString, 'Approvals', {
      allowInsecureConnection: true,
    });
    await table.updateEntity(
      { partitionKey: 'approval', rowKey: id, expiresAt: new Date(Date.now() - 1000).toISOString() },
      'Merge',
    );
    const late = await resetMegan('admin', { 'idempotency-key': key, 'approval-id': id });
    expect([late.status, late.body.code]).toEqual([409, 'approval_expired']);
    expect((await as('reader', 'GET', `/approvals/${id}`)).body.status).toBe('expired');
  });

  it('refuses the protected account to callers without Recovery.Privileged, and break-glass to everyone', async () => {
    const before = graphWrites().length;
    const helpdesk = await resetMegan('helpdesk', { 'idempotency-key': randomUUID() });
    expect([helpdesk.status, helpdesk.body.code]).toEqual([403, 'protected_account']);
    const breakGlass = demoSeedUser('breakGlass');
    const refused = await as('admin', 'POST', `/users/${breakGlass.id}/mfa/reset`, BODY, {
      'idempotency-key': randomUUID(),
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'break_glass_account']);
    expect(graphWrites()).toHaveLength(before);
  });
});

describe('attack flags', () => {
  const target = demoSeedUser('everyMethodUser');

  it('refuse the helpdesk, let security operations override (audited, high severity), and close only by SecurityOps', async () => {
    stack().graph.addSignIns([
      {
        userId: target.id,
        createdDateTime: new Date(Date.now() - 4 * 60_000).toISOString(),
        status: { errorCode: 500121, additionalDetails: 'MFA denied; user declined the authentication' },
      },
    ]);
    await runFunctionNow(stack(), 'detectLockouts');
    await expect
      .poll(async () => (await as('reader', 'GET', `/lockouts/${target.id}`)).body.category, {
        timeout: 20_000,
      })
      .toBe('suspected_attack');

    const tap = (caller: DemoCallerName) =>
      as(caller, 'POST', `/users/${target.id}/tap`, BODY, { 'idempotency-key': randomUUID() });
    const before = graphWrites().length;
    const blocked = await tap('helpdesk');
    expect([blocked.status, blocked.body.code]).toEqual([409, 'suspected_attack_open']);
    expect(graphWrites()).toHaveLength(before);
    const overridden = await tap('admin');
    expect(overridden.status).toBe(201);
    const sent = (await events()).filter((event) => event.targetId === target.id.toLowerCase());
    expect(sent).toContainEqual(
      expect.objectContaining({ type: 'security.attack_flag_override', severity: 'high' }),
    );
    expect(sent).toContainEqual(
      expect.objectContaining({ type: 'recovery.action.refused', severity: 'high' }),
    );

    const byHelpdesk = await as('helpdesk', 'PATCH', `/lockouts/${target.id}`, {
      status: 'acknowledged',
      ticket: 'SEC-7',
    });
    expect([byHelpdesk.status, byHelpdesk.body.code]).toEqual([403, 'forbidden']);
    expect(String(byHelpdesk.body.detail)).toContain('Recovery.SecurityOps');
    const bySoc = await as('securityOps', 'PATCH', `/lockouts/${target.id}`, {
      status: 'resolved',
      ticket: 'SEC-7',
    });
    expect(bySoc.body).toMatchObject({ status: 'resolved', ticket: 'SEC-7' });

    const rows = (await as('reader', 'GET', `/audit?userId=${target.id}`)).body.entries as Record<
      string,
      unknown
    >[];
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'tap.issue', outcome: 'refused', code: 'suspected_attack_open' }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'tap.issue',
        override: 'suspected_attack_open',
        outcome: 'succeeded',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'lockout.acknowledge', outcome: 'refused', code: 'forbidden' }),
    );
    expect(rows).toContainEqual(expect.objectContaining({ action: 'lockout.resolve', outcome: 'succeeded' }));
    expect(
      (await events()).filter(
        (event) => event.type === 'lockout.flag_updated' && event.targetId === target.id.toLowerCase(),
      ),
    ).toHaveLength(1);
  });
});
