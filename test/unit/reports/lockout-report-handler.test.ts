import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

import { makeGetLockoutReportHandler } from '../../../src/functions/lockout-report';
import type { LockoutStore } from '../../../src/lib/detection/repositories';
import type { AuditLog } from '../../../src/lib/storage/audit-log';
import { testCaller } from '../../support/callers';
import { chosen } from '../../support/chosen-caller';

// The route's own answers, in process: the role it needs, and a store that fails as 503
// reports_unavailable (the stack cannot be made to fail one store for the e2e test).

// The caller is chosen by each test; the role check itself is the real one.
vi.mock('../../../src/lib/auth/authenticate', async () => {
  const { chosenCallerAuthentication } = await vi.importActual<
    typeof import('../../support/chosen-caller')
  >('../../support/chosen-caller');
  return chosenCallerAuthentication;
});

const READER = testCaller({ id: 'user:reader-oid', kind: 'user', roles: ['Recovery.Read'] });
const APPROVER = testCaller({ id: 'user:approver-oid', kind: 'user', roles: ['Recovery.Approve'] });
const WEEK = 'from=2026-11-02T00:00:00Z&to=2026-11-09T00:00:00Z';

const emptyLockouts = { list: () => Promise.resolve({ lockouts: [] }) } as unknown as LockoutStore;
const emptyAudit = { list: () => Promise.resolve({ entries: [] }) } as unknown as AuditLog;

async function get(deps: { lockouts: LockoutStore; audit: AuditLog }, query = WEEK) {
  const handler = makeGetLockoutReportHandler(() => deps);
  const request = new HttpRequest({ method: 'GET', url: `http://localhost/api/reports/lockouts?${query}` });
  const init = (await handler(request, new InvocationContext({ functionName: 'test' }))) as HttpResponseInit;
  const body: unknown = init.jsonBody ?? JSON.parse(typeof init.body === 'string' ? init.body : '{}');
  return { status: init.status, headers: new Headers(init.headers), body: body as Record<string, unknown> };
}

describe('GET /api/reports/lockouts handler', () => {
  it('answers the period asked for to Recovery.Read', async () => {
    chosen.caller = READER;
    const answer = await get({ lockouts: emptyLockouts, audit: emptyAudit });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-09T00:00:00.000Z',
      lockouts: { opened: 0, resolved: 0, open: 0 },
    });
  });

  it('refuses a caller without Recovery.Read: 403 forbidden, nothing read', async () => {
    chosen.caller = APPROVER;
    const list = vi.fn();
    const answer = await get({ lockouts: { list } as unknown as LockoutStore, audit: emptyAudit });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
    expect(list).not.toHaveBeenCalled();
  });

  it.each([
    ['the flags', { lockouts: { list: () => Promise.reject(new Error('ECONNREFUSED')) }, audit: emptyAudit }],
    ['the audit', { lockouts: emptyLockouts, audit: { list: () => Promise.reject(new Error('ETIMEDOUT')) } }],
  ])('answers 503 reports_unavailable when %s cannot be read', async (_what, deps) => {
    chosen.caller = READER;
    const answer = await get(deps as unknown as { lockouts: LockoutStore; audit: AuditLog });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body.code).toBe('reports_unavailable');
  });
});
