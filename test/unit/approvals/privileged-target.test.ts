import { describe, expect, it, vi } from 'vitest';

import { decideApproval, readApproval } from '../../../src/lib/approvals/decide-approval';
import { AppError } from '../../../src/lib/http/problem';
import { type ActionRequest, runAction } from '../../../src/lib/recovery/run-action';
import { guardRefusal } from '../../support/action-fakes';
import { appErrorOf } from '../../support/app-error';
import { testCaller } from '../../support/callers';
import { actionFakes, actionRequest, approver, requester, TARGET } from './action-fakes';

const succeeded = () =>
  Promise.resolve({ status: 200, body: { done: true }, audit: { outcome: 'succeeded' as const } });

type Fakes = ReturnType<typeof actionFakes>;

async function askApproval(fakes: Fakes, request: ActionRequest = actionRequest()) {
  const response = await runAction(fakes.deps, request, succeeded);
  expect(response.status).toBe(202);
  return (response.body as { approvalId: string }).approvalId;
}

const approve = (fakes: Fakes, id: string, caller = approver, approveIt = true, now?: Date) =>
  decideApproval(fakes.deps, { id, approve: approveIt, caller, correlationId: 'c2' }, now);

describe('two people for protected targets', () => {
  it('answers 202 with an approval id and Location, audits and announces the request, and changes nothing', async () => {
    const fakes = actionFakes();
    const perform = vi.fn(succeeded);
    const response = await runAction(fakes.deps, actionRequest(), perform);
    const { approvalId } = response.body as { approvalId: string };
    expect(response.status).toBe(202);
    expect(response.headers.location).toBe(`/api/approvals/${approvalId}`);
    expect(perform).not.toHaveBeenCalled();
    expect(fakes.audited).toMatchObject([
      { action: 'approval.request', caller: requester.id, targetId: TARGET.id, outcome: 'succeeded' },
    ]);
    expect(fakes.events).toMatchObject([
      {
        type: 'recovery.approval.requested',
        severity: 'high',
        details: { approvalId, requester: { id: requester.id } },
      },
    ]);
    expect((await readApproval(fakes.deps, approvalId, requester)).status).toBe('pending');
  });

  it('runs the repeated request once after another caller approves, with both names in its audit row and event', async () => {
    const fakes = actionFakes();
    const id = await askApproval(fakes);
    const decided = await approve(fakes, id);
    expect(decided).toMatchObject({ status: 'approved', decidedBy: { id: approver.id } });
    const perform = vi.fn(succeeded);
    const repeat = actionRequest({
      approvalId: id,
      idempotency: { ...actionRequest().idempotency, key: 'key-0000000000000002' },
    });
    expect((await runAction(fakes.deps, repeat, perform)).status).toBe(200);
    expect(perform).toHaveBeenCalledTimes(1);
    const row = fakes.audited.find((entry) => entry.action === 'mfa.reset');
    expect(row).toMatchObject({
      caller: requester.id,
      approval: { id, approvedBy: approver.id },
      outcome: 'succeeded',
    });
    expect(fakes.audited.find((entry) => entry.action === 'approval.approve')).toMatchObject({
      caller: approver.id,
      result: { summary: { requester: requester.id } },
    });
    // The same request again (same Idempotency-Key) is replayed; another request cannot use it.
    const replay = await runAction(fakes.deps, repeat, perform);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const other = { ...repeat, idempotency: { ...repeat.idempotency, key: 'key-0000000000000003' } };
    expect((await appErrorOf(runAction(fakes.deps, other, perform))).code).toBe('approval_consumed');
    expect(perform).toHaveBeenCalledTimes(1);
    expect((await readApproval(fakes.deps, id, approver)).status).toBe('consumed');
  });

  it('of two concurrent repeats with different keys, runs exactly one', async () => {
    const fakes = actionFakes();
    const id = await askApproval(fakes);
    await approve(fakes, id);
    const perform = vi.fn(succeeded);
    const repeats = ['key-000000000000000a', 'key-000000000000000b'].map((key) =>
      runAction(
        fakes.deps,
        actionRequest({ approvalId: id, idempotency: { ...actionRequest().idempotency, key } }),
        perform,
      ).then(
        (response) => response.status,
        (error: unknown) => (error as AppError).code,
      ),
    );
    expect((await Promise.all(repeats)).sort()).toEqual([200, 'approval_consumed']);
    expect(perform).toHaveBeenCalledTimes(1);
  });

  it('refuses self-approval, also through another client of the same person, and a function key as approver', async () => {
    const fakes = actionFakes();
    const id = await askApproval(fakes);
    const selfApprover = testCaller({ ...requester, roles: ['Recovery.Approve'] });
    expect((await appErrorOf(approve(fakes, id, selfApprover))).code).toBe('self_approval');
    const sameOid = testCaller({
      kind: 'application',
      id: 'app:other',
      objectId: requester.objectId,
      roles: ['Recovery.Approve'],
    });
    expect((await appErrorOf(approve(fakes, id, sameOid))).code).toBe('self_approval');
    const key = testCaller({ roles: ['Recovery.Approve'] });
    expect((await appErrorOf(approve(fakes, id, key))).code).toBe('forbidden');
    expect(fakes.audited.filter((entry) => entry.outcome === 'refused').map((entry) => entry.code)).toEqual([
      'self_approval',
      'self_approval',
      'forbidden',
    ]);
    expect((await readApproval(fakes.deps, id, requester)).status).toBe('pending');
  });

  it('refuses a repeat that is not yet approved, denied, expired, or made with a different body or by someone else', async () => {
    const fakes = actionFakes();
    const id = await askApproval(fakes);
    const perform = vi.fn(succeeded);
    const repeat = actionRequest({ approvalId: id });
    expect((await appErrorOf(runAction(fakes.deps, repeat, perform))).code).toBe('approval_pending');
    await approve(fakes, id);
    const otherBody = { ...repeat, idempotency: { ...repeat.idempotency, fingerprint: 'body-2' } };
    expect((await appErrorOf(runAction(fakes.deps, otherBody, perform))).code).toBe('approval_mismatch');
    const colleague = testCaller({
      kind: 'user',
      id: 'user:someone-else',
      roles: ['Recovery.Reset', 'Recovery.Privileged'],
    });
    const byColleague = actionRequest({ caller: colleague, approvalId: id });
    expect((await appErrorOf(runAction(fakes.deps, byColleague, perform))).code).toBe('approval_mismatch');
    const tap = { ...repeat, action: 'tap.issue' as const };
    expect((await appErrorOf(runAction(fakes.deps, tap, perform))).code).toBe('approval_mismatch');

    const denied = await askApproval(fakes);
    await approve(fakes, denied, approver, false);
    const deniedRepeat = actionRequest({ approvalId: denied });
    expect((await appErrorOf(runAction(fakes.deps, deniedRepeat, perform))).code).toBe('approval_denied');
    expect(perform).not.toHaveBeenCalled();
    expect((await appErrorOf(approve(fakes, denied))).code).toBe('approval_decided');
  });

  it('lets approvals expire after the configured time, undecided or unused', async () => {
    const fakes = actionFakes();
    const ttl = fakes.deps.config.approvals.ttlMs;
    expect(ttl).toBe(30 * 60_000);
    const undecided = await askApproval(fakes);
    const later = new Date(Date.now() + ttl + 1000);
    expect((await appErrorOf(approve(fakes, undecided, approver, true, later))).code).toBe(
      'approval_expired',
    );
    expect((await readApproval(fakes.deps, undecided, approver, later)).status).toBe('expired');

    const unused = await askApproval(fakes);
    await approve(fakes, unused);
    const row = fakes.approvals.rows.get(unused);
    if (row) row.expiresAt = new Date(Date.now() - 1000).toISOString();
    const perform = vi.fn(succeeded);
    expect(
      (await appErrorOf(runAction(fakes.deps, actionRequest({ approvalId: unused }), perform))).code,
    ).toBe('approval_expired');
    expect(perform).not.toHaveBeenCalled();
  });

  it('keeps refusing a function key and callers without Recovery.Privileged outright, and break-glass for everyone', async () => {
    const perform = vi.fn(succeeded);
    const key = testCaller({ roles: ['Recovery.Reset', 'Recovery.Privileged'] });
    const unprivileged = testCaller({ ...requester, roles: ['Recovery.Reset'] });
    for (const caller of [key, unprivileged]) {
      const fakes = actionFakes();
      expect((await appErrorOf(runAction(fakes.deps, actionRequest({ caller }), perform))).code).toBe(
        'protected_account',
      );
      expect(fakes.approvals.rows.size).toBe(0);
    }
    const breakGlass = actionFakes({
      verdict: guardRefusal('break_glass_account', TARGET),
    });
    expect((await appErrorOf(runAction(breakGlass.deps, actionRequest(), perform))).code).toBe(
      'break_glass_account',
    );
    expect(breakGlass.approvals.rows.size).toBe(0);
    expect(perform).not.toHaveBeenCalled();
  });

  it('shows an approval to readers, approvers and the requester only', async () => {
    const fakes = actionFakes();
    const id = await askApproval(fakes);
    const stranger = testCaller({ kind: 'user', id: 'user:stranger', roles: ['Recovery.Reset'] });
    expect((await appErrorOf(readApproval(fakes.deps, id, stranger))).code).toBe('forbidden');
    const view = await readApproval(fakes.deps, id, requester);
    expect(view).not.toHaveProperty('fingerprint');
    expect(view).not.toHaveProperty('scope');
    expect(
      (await appErrorOf(readApproval(fakes.deps, '00000000-0000-4000-8000-000000000000', approver))).code,
    ).toBe('approval_not_found');
  });
});
