import { afterEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import { describeFailure, restoreDueSuspensions } from '../../../src/lib/recovery/restore-due-suspensions';
import type { AuditAttempt, AuditResult } from '../../../src/lib/storage/audit-log';
import type { NewRecoveryEvent } from '../../../src/lib/storage/recovery-events';
import type { Suspension } from '../../../src/lib/storage/suspensions';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

const NOW = new Date('2026-03-02T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const USER_ID = '00000000-0000-4000-8000-0000000000e1';

const suspension = (endedMinutesAgo: number): Suspension => ({
  userId: USER_ID,
  userPrincipalName: 'MeganB@contoso.onmicrosoft.com',
  previousState: 'enabled',
  suspendedAt: minutesAgo(endedMinutesAgo + 60),
  endsAt: minutesAgo(endedMinutesAgo),
  ticket: 'INC9',
  correlationId: 'c0',
  status: 'active',
  restoreAttempts: 0,
  etag: 'e0',
});

/** One due suspension, Graph answering `answer`, and records of what the timer wrote. */
function setUp(
  row: Suspension,
  answer: (request: SentRequest) => Response = () => new Response(null, { status: 204 }),
) {
  const stub = stubGraph((request) => Promise.resolve(answer(request)));
  const started: AuditAttempt[] = [];
  const completed: AuditResult[] = [];
  const events: NewRecoveryEvent[] = [];
  const warnings: string[] = [];
  const rows = new Map([[row.userId, row]]);
  const deps = {
    graph: stub.graph,
    suspensions: {
      get: (userId: string) => Promise.resolve(rows.get(userId)),
      create: () => Promise.reject(new Error('not used')),
      update: (changed: Suspension) => {
        rows.set(changed.userId, changed);
        return Promise.resolve(changed);
      },
      listDue: () => Promise.resolve([...rows.values()].filter((each) => each.status === 'active')),
    },
    audit: {
      start: (attempt: AuditAttempt) => {
        started.push(attempt);
        return Promise.resolve({
          ...attempt,
          id: 'audit-1',
          time: '',
          outcome: 'started' as const,
          graphRequestIds: [],
        });
      },
      complete: (entry: never, result: AuditResult) => {
        completed.push(result);
        return Promise.resolve(entry);
      },
      refused: () => Promise.reject(new Error('not used')),
      list: () => Promise.reject(new Error('not used')),
    },
    events: {
      publish: (event: NewRecoveryEvent) => {
        events.push(event);
        return Promise.resolve({ ...event, schemaVersion: 1 as const, eventId: 'e', time: '' });
      },
    },
    log: { warn: (message: string) => warnings.push(message) },
    now: () => NOW,
  };
  return { deps, stub, rows, started, completed, events, warnings };
}

describe('restoreDueSuspensions records', () => {
  it('audits the restore under the timer’s name and sends Graph the audit’s correlation id', async () => {
    const setup = setUp(suspension(1));
    const report = await restoreDueSuspensions(setup.deps);
    expect(report).toEqual({ due: 1, restored: 1, failed: 0, overdue: 0 });
    expect(setup.events).toEqual([]);
    const correlationId = setup.started[0]?.correlationId;
    expect(setup.started).toEqual([
      {
        action: 'mfa.restore',
        caller: 'timer:restoreSuspendedMfa',
        targetId: USER_ID,
        targetUpn: 'MeganB@contoso.onmicrosoft.com',
        ticket: 'INC9',
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      },
    ]);
    expect(setup.stub.sent).toMatchObject([
      {
        method: 'PATCH',
        url: `${setup.stub.origin}/beta/users/${USER_ID}/authentication/requirements`,
        body: { perUserMfaState: 'enabled' },
      },
    ]);
    expect(setup.stub.sent[0]?.headers.get('client-request-id')).toBe(correlationId);
    expect(setup.completed).toEqual([{ outcome: 'succeeded', summary: { restoredState: 'enabled' } }]);
    expect(setup.rows.get(USER_ID)).toMatchObject({
      status: 'restored',
      restoredAt: NOW.toISOString(),
      restoreAttempts: 1,
    });
  });

  it('alerts only past ten minutes late, with the lateness in minutes and the audit’s correlation id', async () => {
    const onTime = setUp(suspension(10));
    expect((await restoreDueSuspensions(onTime.deps)).overdue).toBe(0);
    expect(onTime.events).toEqual([]);

    const late = setUp(suspension(10.5));
    expect(await restoreDueSuspensions(late.deps)).toEqual({ due: 1, restored: 1, failed: 0, overdue: 1 });
    expect(late.events).toEqual([
      {
        type: 'security.suspension_overdue',
        severity: 'high',
        action: 'mfa.restore',
        targetId: USER_ID,
        targetUpn: 'MeganB@contoso.onmicrosoft.com',
        ticket: 'INC9',
        correlationId: late.started[0]?.correlationId,
        details: { endsAt: minutesAgo(10.5), minutesLate: 11 },
      },
    ]);
  });

  it('audits a restore Graph refused as failed with its code, and logs it naming the user', async () => {
    const setup = setUp(suspension(1), () =>
      json(403, { error: { code: 'accessDenied', message: 'no' } }, { 'request-id': 'req-403' }),
    );
    expect(await restoreDueSuspensions(setup.deps)).toEqual({ due: 1, restored: 0, failed: 1, overdue: 0 });
    expect(setup.completed).toEqual([{ outcome: 'failed', code: 'graph_permission_denied' }]);
    expect(setup.rows.get(USER_ID)).toMatchObject({
      status: 'active',
      restoreAttempts: 1,
      lastError: 'graph_permission_denied req-403',
    });
    expect(setup.warnings).toHaveLength(1);
    // The cause is the SDK's GraphError, named as the SDK names it.
    expect(setup.warnings[0]).toMatch(
      new RegExp(
        `^restoreSuspendedMfa: user ${USER_ID} stays suspended until the next run: ` +
          'graph_permission_denied: Microsoft Graph answered 403 accessDenied: no \\(cause: \\w+: no\\)$',
      ),
    );
  });

  it('audits as internal_error a restore whose suspension row cannot be closed, and retries it next run', async () => {
    const setup = setUp(suspension(1));
    setup.deps.suspensions.update = () => Promise.reject(new Error('precondition failed'));
    expect(await restoreDueSuspensions(setup.deps)).toMatchObject({ restored: 0, failed: 1 });
    expect(setup.completed).toEqual([{ outcome: 'failed', code: 'internal_error' }]);
    expect(setup.rows.get(USER_ID)?.status).toBe('active');
  });

  it('logs an alert or an audit completion that failed, and still restores', async () => {
    const setup = setUp(suspension(30));
    setup.deps.events.publish = () => Promise.reject(new Error('queue unreachable'));
    setup.deps.audit.complete = () => Promise.reject(new Error('table gone'));
    expect(await restoreDueSuspensions(setup.deps)).toEqual({ due: 1, restored: 1, failed: 0, overdue: 1 });
    expect(setup.warnings).toEqual([
      `restoreSuspendedMfa: overdue alert for ${USER_ID} not published: Error: queue unreachable`,
      'restoreSuspendedMfa: audit entry audit-1 (succeeded) not completed: Error: table gone',
    ]);
  });

  it('reads the clock when none is given', async () => {
    const setup = setUp(suspension(1));
    const deps = { ...setup.deps, now: undefined };
    const before = Date.now();
    await restoreDueSuspensions(deps);
    const restoredAt = new Date(setup.rows.get(USER_ID)?.restoredAt ?? 0).getTime();
    expect(restoredAt).toBeGreaterThanOrEqual(before);
    // Ended a minute before NOW, and NOW is past: at least that late, so an overdue alert.
    expect(setup.events).toHaveLength(1);
  });
});

describe('describeFailure', () => {
  it('names the code and detail of an AppError, the name and message of any other error, and each cause', () => {
    const cause = new TypeError('fetch failed', { cause: 'ECONNRESET' });
    expect(
      describeFailure(new AppError('audit_unavailable', 'Table Storage is unavailable.', { cause })),
    ).toBe(
      'audit_unavailable: Table Storage is unavailable. (cause: TypeError: fetch failed (cause: ECONNRESET))',
    );
    expect(describeFailure(new RangeError('out'))).toBe('RangeError: out');
    expect(describeFailure(42)).toBe('42');
  });
});
