import { Client, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import { restoreDueSuspensions } from '../../../src/lib/recovery/restore-due-suspensions';
import type { AuditEntry, AuditLog, AuditResult } from '../../../src/lib/storage/audit-log';
import type { NewRecoveryEvent, RecoveryEvent } from '../../../src/lib/storage/recovery-events';
import type { Suspension, SuspensionStore } from '../../../src/lib/storage/suspensions';

const NOW = new Date('2026-03-02T12:00:00Z');
const minutesBeforeNow = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

/** Four users whose suspensions have ended; object ids are made up for this test. */
const USERS = {
  alertFails: '00000000-0000-4000-8000-00000000000a',
  auditStartFails: '00000000-0000-4000-8000-00000000000b',
  fine: '00000000-0000-4000-8000-00000000000c',
  graphFails: '00000000-0000-4000-8000-00000000000d',
};

function suspension(userId: string, endedMinutesAgo: number): Suspension {
  return {
    userId,
    userPrincipalName: `${userId}@contoso.example`,
    previousState: 'enforced',
    suspendedAt: minutesBeforeNow(endedMinutesAgo + 30),
    endsAt: minutesBeforeNow(endedMinutesAgo),
    ticket: `INC-${userId.slice(-1)}`,
    correlationId: 'c',
    status: 'active',
    restoreAttempts: 0,
    etag: 'e0',
  };
}

/** In-memory stand-ins; `failing` names what breaks for which user (cleared to model recovery). */
function fakes() {
  const failing = {
    publishFor: new Set<string>([USERS.alertFails]),
    auditStartFor: new Set<string>([USERS.auditStartFails]),
    auditCompleteFor: new Set<string>(),
    graphFor: new Set<string>([USERS.graphFails]),
  };
  const rows = new Map<string, Suspension>(
    // All four are more than 10 minutes late, so each gets an overdue alert first.
    [USERS.alertFails, USERS.auditStartFails, USERS.fine, USERS.graphFails].map((id, index) => [
      id,
      suspension(id, 20 + index),
    ]),
  );
  const suspensions: SuspensionStore = {
    get: (userId) => Promise.resolve(rows.get(userId)),
    create: () => Promise.reject(new Error('not used')),
    update: (changed) => {
      rows.set(changed.userId, changed);
      return Promise.resolve(changed);
    },
    listDue: (now) =>
      Promise.resolve(
        [...rows.values()].filter((row) => row.status === 'active' && new Date(row.endsAt) <= now),
      ),
  };
  const auditRows: AuditEntry[] = [];
  const audit: AuditLog = {
    start: (attempt) => {
      if (failing.auditStartFor.has(attempt.targetId ?? '')) {
        return Promise.reject(
          new AppError('audit_unavailable', 'The audit log could not record the attempt.', {
            cause: new Error('table service paused'),
          }),
        );
      }
      const entry: AuditEntry = {
        ...attempt,
        id: `audit-${auditRows.length}`,
        time: NOW.toISOString(),
        outcome: 'started',
        graphRequestIds: [],
      };
      auditRows.push(entry);
      return Promise.resolve(entry);
    },
    complete: (entry, result: AuditResult) => {
      if (failing.auditCompleteFor.has(entry.targetId ?? '')) return Promise.reject(new Error('table gone'));
      const completed = { ...entry, ...result };
      auditRows[auditRows.findIndex((row) => row.id === entry.id)] = completed;
      return Promise.resolve(completed);
    },
    refused: () => Promise.reject(new Error('not used')),
    list: () => Promise.reject(new Error('not used')),
  };
  const published: NewRecoveryEvent[] = [];
  const events = {
    publish: (event: NewRecoveryEvent) => {
      if (failing.publishFor.has(event.targetId ?? '')) return Promise.reject(new Error('queue unreachable'));
      published.push(event);
      return Promise.resolve(event as RecoveryEvent);
    },
  };
  // Graph in memory: PATCH …/authentication/requirements answers 204, or 503 for a failing user.
  const patched = new Map<string, unknown>();
  const graphInMemory: Middleware = {
    execute: (context: Context) => {
      const url = new URL(String(context.request));
      const userId = /\/users\/([^/]+)\/authentication\/requirements$/.exec(url.pathname)?.[1] ?? '';
      if (failing.graphFor.has(userId)) {
        context.response = new Response(
          JSON.stringify({ error: { code: 'serviceUnavailable', message: 'x' } }),
          {
            status: 503,
            headers: { 'content-type': 'application/json' },
          },
        );
      } else {
        patched.set(userId, JSON.parse(context.options?.body as string));
        context.response = new Response(null, { status: 204 });
      }
      return Promise.resolve();
    },
  };
  const warnings: string[] = [];
  const deps = {
    graph: Client.initWithMiddleware({ middleware: graphInMemory }),
    suspensions,
    audit,
    events,
    log: { warn: (message: string) => warnings.push(message) },
    now: () => NOW,
  };
  return { deps, failing, rows, auditRows, published, patched, warnings };
}

describe('restoreDueSuspensions isolates each suspension', () => {
  it('restores the others when a queue, the audit table or Graph fails for one', async () => {
    const { deps, rows, auditRows, patched, warnings } = fakes();

    const report = await restoreDueSuspensions(deps);

    expect(report).toEqual({ due: 4, restored: 2, failed: 2, overdue: 4 });
    // Restored: the one whose overdue alert could not be published, and the one nothing failed for.
    expect([...patched.entries()]).toEqual([
      [USERS.alertFails, { perUserMfaState: 'enforced' }],
      [USERS.fine, { perUserMfaState: 'enforced' }],
    ]);
    expect(rows.get(USERS.alertFails)?.status).toBe('restored');
    expect(rows.get(USERS.fine)?.status).toBe('restored');
    // Still active, to be retried: no audit row could be written, or Graph refused.
    expect(rows.get(USERS.auditStartFails)).toMatchObject({ status: 'active', restoreAttempts: 0 });
    expect(rows.get(USERS.graphFails)).toMatchObject({
      status: 'active',
      restoreAttempts: 1,
      lastError: 'graph_unavailable',
    });
    expect(auditRows.map((row) => [row.targetId, row.outcome])).toEqual([
      [USERS.alertFails, 'succeeded'],
      [USERS.fine, 'succeeded'],
      [USERS.graphFails, 'failed'],
    ]);
    // Each failure logged once, naming the user and the cause.
    expect(warnings).toHaveLength(3);
    expect(warnings.find((line) => line.includes(USERS.alertFails))).toMatch(
      /overdue alert.*queue unreachable/,
    );
    expect(warnings.find((line) => line.includes(USERS.auditStartFails))).toMatch(
      /stays suspended.*audit_unavailable.*cause: Error: table service paused/,
    );
    expect(warnings.find((line) => line.includes(USERS.graphFails))).toMatch(
      /stays suspended.*graph_unavailable/,
    );
  });

  it('retries the failed ones on the next run', async () => {
    const { deps, failing, rows, patched } = fakes();
    await restoreDueSuspensions(deps);
    failing.auditStartFor.clear();
    failing.graphFor.clear();

    const report = await restoreDueSuspensions(deps);

    expect(report).toMatchObject({ due: 2, restored: 2, failed: 0 });
    expect([...patched.keys()].sort()).toEqual(Object.values(USERS).sort());
    expect([...rows.values()].every((row) => row.status === 'restored')).toBe(true);
  });

  it('counts a restore whose audit row cannot be completed as restored, and logs it', async () => {
    const { deps, failing, rows, warnings } = fakes();
    failing.publishFor.clear();
    failing.auditStartFor.clear();
    failing.graphFor.clear();
    failing.auditCompleteFor.add(USERS.fine);

    const report = await restoreDueSuspensions(deps);

    expect(report).toMatchObject({ due: 4, restored: 4, failed: 0 });
    expect(rows.get(USERS.fine)?.status).toBe('restored');
    expect(warnings).toEqual([
      expect.stringMatching(/audit entry .* \(succeeded\) not completed: Error: table gone/),
    ]);
  });
});
