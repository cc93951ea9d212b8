// The approval and attack-flag routes in process, wired by the app's composition root to Azurite
// and the Graph simulator over HTTPS. The caller is injected by mocking `authenticate` (the one place
// the app learns who called; token checks have their own tests, and test/e2e/approvals.test.ts
// sends real tokens), so these run in the test worker where the coverage gate sees the code.

import { randomUUID } from 'node:crypto';

import type { HttpHandler, HttpRequest } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

import { makeDecideApprovalHandler } from '../../../src/functions/decide-approval';
import { makeGetApprovalHandler } from '../../../src/functions/get-approval';
import { makeIssueTapHandler } from '../../../src/functions/issue-tap';
import { makeListAuditHandler } from '../../../src/functions/list-audit';
import { makeResetMfaHandler } from '../../../src/functions/reset-mfa';
import { makeUpdateLockoutHandler } from '../../../src/functions/update-lockout';
import type { Caller } from '../../../src/lib/auth/caller';
import { requireRole } from '../../../src/lib/auth/caller';
import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { getActionServices, getServices } from '../../../src/lib/services';
import { testCaller } from '../../support/callers';
import { useGraphSimulator } from '../../support/graph-fixture';
import { type HandlerRequest, invokeHandler } from '../../support/invoke-handler';
import { users } from '../../support/recovery-seed';
import { useServiceSettings } from '../../support/service-settings';
import { useAzurite } from '../storage/azurite-fixture';

const CALLERS: Record<string, Caller> = {
  helpdesk: testCaller({
    kind: 'user',
    id: 'user:helpdesk',
    name: 'Helpdesk Lead',
    roles: ['Recovery.Read', 'Recovery.Reset', 'Recovery.IssueTap', 'Recovery.Privileged'],
  }),
  approver: testCaller({
    kind: 'user',
    id: 'user:approver',
    name: 'Duty Manager',
    roles: ['Recovery.Read', 'Recovery.Approve'],
  }),
  securityOps: testCaller({
    kind: 'user',
    id: 'user:soc',
    name: 'SOC Analyst',
    roles: ['Recovery.Read', 'Recovery.IssueTap', 'Recovery.SecurityOps'],
  }),
  functionKey: testCaller(),
};

vi.mock('../../../src/lib/auth/authenticate', () => {
  const caller = (request: HttpRequest) =>
    CALLERS[request.headers.get('x-test-caller') ?? 'functionKey'] ?? testCaller();
  return {
    authenticate: (request: HttpRequest) => Promise.resolve(caller(request)),
    requireCaller: (request: HttpRequest, role: Parameters<typeof requireRole>[1]) => {
      const found = caller(request);
      requireRole(found, role);
      return Promise.resolve(found);
    },
  };
});

const graph = useGraphSimulator({ resetAfterEach: true });
const storage = useAzurite();

useServiceSettings(graph, storage);

/** A route's request in process as one of CALLERS. */
const invoke = (handler: HttpHandler, { caller, ...init }: HandlerRequest & { caller: string }) =>
  invokeHandler(handler, { ...init, headers: { 'x-test-caller': caller, ...init.headers } });

const reset = makeResetMfaHandler(getActionServices);
const tap = makeIssueTapHandler(getActionServices);
const getApproval = makeGetApprovalHandler(getServices);
const approve = makeDecideApprovalHandler(getActionServices, true);
const deny = makeDecideApprovalHandler(getActionServices, false);
const patchFlag = makeUpdateLockoutHandler(getActionServices);
const listAudit = makeListAuditHandler(getServices);

const BODY = {
  ticket: 'CHG0099',
  verification: { method: 'video_call', reference: 'Teams call, badge shown' },
};
const megan = { user: users.megan.userPrincipalName };
/** An action with BODY on Megan (unless `params` says otherwise) as one of CALLERS. */
const act = (handler: HttpHandler, caller: string, headers: Record<string, string>, params = megan) =>
  invoke(handler, { caller, method: 'POST', params, body: BODY, headers });
const writes = () =>
  graph.simulator
    .requests()
    .filter((request) => request.method !== 'GET' && !request.path.endsWith('$batch'));

async function events(): Promise<Record<string, unknown>[]> {
  const peeked = await getServices()
    .queues.getQueueClient('recovery-events')
    .peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((item) => JSON.parse(item.messageText) as Record<string, unknown>);
}

describe('two people for a protected account, in process', () => {
  it('asks, approves, runs the repeat once, and keeps both names in the audit', async () => {
    const key = randomUUID();
    const asked = await act(reset, 'helpdesk', { 'idempotency-key': key });
    expect(asked.status).toBe(202);
    const id = String(asked.body.approvalId);
    expect(asked.headers.get('location')).toBe(`/api/approvals/${id}`);
    expect(writes()).toHaveLength(0);

    const self = await invoke(approve, { caller: 'helpdesk', method: 'POST', params: { id } });
    expect([self.status, self.body.code]).toEqual([403, 'forbidden']); // helpdesk lacks Recovery.Approve
    const early = await act(reset, 'helpdesk', { 'idempotency-key': key, 'approval-id': id });
    expect([early.status, early.body.code]).toEqual([409, 'approval_pending']);

    const approved = await invoke(approve, { caller: 'approver', method: 'POST', params: { id } });
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: { id: 'user:approver' } });
    const seen = await invoke(getApproval, { caller: 'helpdesk', method: 'GET', params: { id } });
    expect(seen.body).toMatchObject({
      status: 'approved',
      requester: { id: 'user:helpdesk' },
      targetUpn: users.megan.userPrincipalName,
    });

    const repeat = await act(reset, 'helpdesk', { 'idempotency-key': key, 'approval-id': id });
    expect(repeat.status).toBe(200);
    const removed = writes().length;
    expect(removed).toBeGreaterThan(0);
    const again = await act(reset, 'helpdesk', { 'idempotency-key': key, 'approval-id': id });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await act(reset, 'helpdesk', { 'idempotency-key': randomUUID(), 'approval-id': id });
    expect([other.status, other.body.code]).toEqual([409, 'approval_consumed']);
    expect(writes()).toHaveLength(removed);

    const audit = await invoke(listAudit, { caller: 'approver', method: 'GET', params: {} });
    const rows = (audit.body.entries as Record<string, unknown>[]).filter(
      (row) => row.targetId === users.megan.id.toLowerCase(),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'mfa.reset',
        caller: 'user:helpdesk',
        approval: { id, approvedBy: 'user:approver' },
        outcome: 'succeeded',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'approval.approve', caller: 'user:approver', outcome: 'succeeded' }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'approval.request', caller: 'user:helpdesk' }),
    );
    const decision = (await events()).find((event) => event.type === 'recovery.approval.approved');
    expect(decision?.details).toMatchObject({
      requester: { id: 'user:helpdesk' },
      approver: { id: 'user:approver' },
    });
  });

  it('refuses a denied request and the function key outright', async () => {
    const asked = await act(tap, 'helpdesk', { 'idempotency-key': randomUUID() });
    const id = String(asked.body.approvalId);
    expect((await invoke(deny, { caller: 'approver', method: 'POST', params: { id } })).body.status).toBe(
      'denied',
    );
    const repeat = await act(tap, 'helpdesk', { 'idempotency-key': randomUUID(), 'approval-id': id });
    expect([repeat.status, repeat.body.code]).toEqual([403, 'approval_denied']);
    const key = await act(tap, 'functionKey', { 'idempotency-key': randomUUID(), 'approval-id': id });
    expect([key.status, key.body.code]).toEqual([403, 'protected_account']);
    expect(writes()).toHaveLength(0);
  });
});

describe('attack flags, in process', () => {
  const adele = users.adele;
  const flag = (category: LockoutFlag['category']): LockoutFlag => ({
    userId: adele.id.toLowerCase(),
    userPrincipalName: adele.userPrincipalName,
    category,
    status: 'open',
    protected: false,
    lockoutAttempts: 0,
    attackAttempts: 1,
    firstFailureAt: new Date().toISOString(),
    lastFailureAt: new Date().toISOString(),
    recentEvents: [],
    countedAttempts: [],
    openedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    openEventId: randomUUID(),
    reopenCount: 0,
  });

  it('blocks a TAP without Recovery.SecurityOps, allows it with, and lets only security operations close the flag', async () => {
    const lockouts = getServices().lockouts;
    const existing = await lockouts.get(adele.id);
    await lockouts.put(flag('suspected_attack'), existing?.etag);
    const params = { user: adele.userPrincipalName };
    const blocked = await act(tap, 'functionKey', { 'idempotency-key': randomUUID() }, params);
    expect([blocked.status, blocked.body.code]).toEqual([409, 'suspected_attack_open']);
    expect(writes()).toHaveLength(0);
    const overridden = await act(tap, 'securityOps', { 'idempotency-key': randomUUID() }, params);
    expect(overridden.status).toBe(201);
    const sent = await events();
    expect(sent).toContainEqual(
      expect.objectContaining({ type: 'security.attack_flag_override', severity: 'high' }),
    );
    const refusal = sent.find(
      (event) => event.type === 'recovery.action.refused' && event.targetId === adele.id.toLowerCase(),
    );
    expect(refusal).toMatchObject({ severity: 'high', details: { code: 'suspected_attack_open' } });

    const byHelpdesk = await invoke(patchFlag, {
      caller: 'functionKey',
      method: 'PATCH',
      params: { user: adele.id },
      body: { status: 'resolved', ticket: 'SEC-1' },
    });
    expect([byHelpdesk.status, byHelpdesk.body.code]).toEqual([403, 'forbidden']);
    expect(String(byHelpdesk.body.detail)).toContain('Recovery.SecurityOps');
    const bySoc = await invoke(patchFlag, {
      caller: 'securityOps',
      method: 'PATCH',
      params: { user: adele.id },
      body: { status: 'resolved', ticket: 'SEC-1' },
    });
    expect(bySoc.body).toMatchObject({ status: 'resolved', ticket: 'SEC-1' });
    const audit = await invoke(listAudit, { caller: 'securityOps', method: 'GET', params: {}, headers: {} });
    const rows = audit.body.entries as Record<string, unknown>[];
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'tap.issue', caller: 'user:soc', override: 'suspected_attack_open' }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'lockout.resolve',
        caller: 'function-key',
        outcome: 'refused',
        code: 'forbidden',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'lockout.resolve', caller: 'user:soc', outcome: 'succeeded' }),
    );
  });
});
