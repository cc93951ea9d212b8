// The approvals store on Azurite (real Table Storage ETags), and the approval gate on top of it:
// two repeats of one approved request racing for it run one action.

import { describe, expect, it, vi } from 'vitest';

import type { Approval } from '../../../src/lib/approvals/approval';
import { gatePrivilegedTarget } from '../../../src/lib/approvals/privileged-target';
import { createTableApprovalStore } from '../../../src/lib/approvals/table-store';
import { AppError } from '../../../src/lib/http/problem';
import { runAction } from '../../../src/lib/recovery/run-action';
import { createTableAuditLog } from '../../../src/lib/storage/audit-log';
import {
  actionFakes,
  actionRequest,
  approver,
  PROTECTED,
  requester,
  TARGET,
} from '../../unit/approvals/action-fakes';
import { useAzurite } from '../storage/azurite-fixture';

const fixture = useAzurite();

const IN_HALF_AN_HOUR = new Date(Date.now() + 30 * 60_000).toISOString();

const approval = (overrides: Partial<Approval> = {}): Approval => ({
  id: '6a0e5a4e-1b0f-4c55-9d4e-3f2b8c1d0a01',
  status: 'approved',
  action: 'mfa.reset',
  requester: { id: requester.id, name: 'Helpdesk Lead', objectId: requester.objectId ?? '' },
  scope: actionRequest().idempotency.scope,
  targetId: TARGET.id,
  targetUpn: TARGET.userPrincipalName,
  fingerprint: actionRequest().idempotency.fingerprint,
  ticket: 'INC7001',
  createdAt: '2026-12-05T09:00:00.000Z',
  expiresAt: IN_HALF_AN_HOUR,
  decidedBy: { id: approver.id, name: 'Duty Manager' },
  decidedAt: '2026-12-05T09:05:00.000Z',
  ...overrides,
});

async function store() {
  const table = await fixture.freshTable();
  return createTableApprovalStore({ table: () => Promise.resolve(table) });
}

describe('approvals in Table Storage', () => {
  it('stores and reads back an approval, and answers undefined for an unknown id', async () => {
    const approvals = await store();
    const created = await approvals.create(approval());
    expect(created.etag).not.toBe('');
    const { etag, ...read } = (await approvals.get(created.id.toUpperCase())) ?? { etag: '' };
    expect(etag).toBe(created.etag);
    expect(read).toEqual(approval());
    expect(await approvals.get('6a0e5a4e-1b0f-4c55-9d4e-3f2b8c1d0aff')).toBeUndefined();
  });

  it('lets exactly one of two updates from the same ETag win', async () => {
    const approvals = await store();
    const created = await approvals.create(approval());
    const { etag, ...fields } = created;
    const results = await Promise.all(
      ['a', 'b'].map((key) => approvals.update({ ...fields, status: 'consumed', consumedByKey: key }, etag)),
    );
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    const winner = results.find((result) => result !== undefined);
    expect((await approvals.get(created.id))?.consumedByKey).toBe(winner?.consumedByKey);
  });

  it('runs one action when concurrent repeats race for the same approval', async () => {
    const approvals = await store();
    await approvals.create(approval());
    const fakes = actionFakes();
    fakes.deps.approvals = approvals;
    const perform = vi.fn(() =>
      Promise.resolve({ status: 200, body: {}, audit: { outcome: 'succeeded' as const } }),
    );
    const keys = Array.from({ length: 5 }, (_, index) => `repeat-key-0000000${index}`);
    const answers = await Promise.all(
      keys.map((key) =>
        runAction(
          fakes.deps,
          actionRequest({ approvalId: approval().id, idempotency: { ...actionRequest().idempotency, key } }),
          perform,
        ).then(
          (response) => response.status,
          (error: unknown) => (error instanceof AppError ? error.code : 'unexpected'),
        ),
      ),
    );
    expect(answers.filter((answer) => answer === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer === 'approval_consumed')).toHaveLength(4);
    expect(perform).toHaveBeenCalledTimes(1);
    expect((await approvals.get(approval().id))?.status).toBe('consumed');
  });

  it('creates a pending approval that expires after APPROVAL_TTL_MINUTES', async () => {
    const approvals = await store();
    const fakes = actionFakes();
    const deps = { ...fakes.deps, approvals, config: { approvals: { ttlMs: 5 * 60_000 } } };
    const now = new Date('2026-12-05T10:00:00.000Z');
    const gate = await gatePrivilegedTarget(
      deps,
      actionRequest(),
      PROTECTED,
      { action: 'mfa.reset', caller: requester.id, correlationId: 'c' },
      now,
    );
    expect(gate.kind).toBe('pending');
    const id = gate.kind === 'pending' ? (gate.response.body as { approvalId: string }).approvalId : '';
    expect(await approvals.get(id)).toMatchObject({
      status: 'pending',
      expiresAt: '2026-12-05T10:05:00.000Z',
      requester: { id: requester.id },
    });
  });

  it('keeps the approver and an override in the audit row', async () => {
    const table = await fixture.freshTable();
    const audit = createTableAuditLog({ table: () => Promise.resolve(table) });
    const entry = await audit.start({
      action: 'tap.issue',
      caller: requester.id,
      correlationId: 'c',
      targetId: TARGET.id,
      approval: { id: approval().id, approvedBy: approver.id },
      override: 'suspected_attack_open',
    });
    await audit.complete(entry, { outcome: 'succeeded' });
    const { entries } = await audit.list({ userId: TARGET.id });
    expect(entries[0]).toMatchObject({
      caller: requester.id,
      approval: { id: approval().id, approvedBy: approver.id },
      override: 'suspected_attack_open',
      outcome: 'succeeded',
    });
  });
});
