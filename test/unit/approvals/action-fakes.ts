import type { Client } from '@microsoft/microsoft-graph-client';

import { loadConfig } from '../../../src/lib/config';
import type { StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import type { GuardVerdict } from '../../../src/lib/recovery/action-guard';
import type { ActionDeps, ActionRequest } from '../../../src/lib/recovery/run-action';
import type { AuditAttempt, AuditEntry, AuditLog, AuditResult } from '../../../src/lib/storage/audit-log';
import type { IdempotencyStore } from '../../../src/lib/storage/idempotency-store';
import type { NewRecoveryEvent } from '../../../src/lib/storage/recovery-events';
import { recordingEvents } from '../../support/action-fakes';
import { testCaller } from '../../support/callers';
import { admitAll } from '../../support/limits';
import { memoryApprovals } from '../../support/memory-approvals';

export const TARGET = {
  id: '5d6f0a7e-3c1b-4b8e-9a53-2f0c1e9d7b11',
  userPrincipalName: 'MeganB@contoso.onmicrosoft.com',
  groupIds: new Set<string>(),
};

export const PROTECTED: GuardVerdict = {
  allowed: false,
  code: 'protected_account',
  reasons: ['role:62e90394-69f5-4237-9190-012177145e10(active)'],
  target: TARGET,
  graphRequestIds: ['g1'],
};

export const requester = testCaller({
  kind: 'user',
  id: 'user:1f0e0000-0000-4000-8000-000000000001',
  objectId: '1f0e0000-0000-4000-8000-000000000001',
  name: 'Helpdesk Lead',
  roles: ['Recovery.Read', 'Recovery.Reset', 'Recovery.Privileged'],
});

export const approver = testCaller({
  kind: 'user',
  id: 'user:1f0e0000-0000-4000-8000-000000000002',
  objectId: '1f0e0000-0000-4000-8000-000000000002',
  name: 'Duty Manager',
  roles: ['Recovery.Read', 'Recovery.Approve'],
});

/**
 * runAction's collaborators in memory: a guard with a fixed verdict, an audit log and an event
 * queue that record what they were given, an idempotency store that keeps completed answers, the
 * approvals store with ETag rules, and one lockout flag.
 */
export function actionFakes(options: { verdict?: GuardVerdict; flag?: StoredLockoutFlag } = {}) {
  const audited: (AuditAttempt & { outcome: string; code?: string; result?: AuditResult })[] = [];
  const events: NewRecoveryEvent[] = [];
  const flagReads: string[] = [];
  const entry = (attempt: AuditAttempt, outcome: AuditEntry['outcome']): AuditEntry => ({
    ...attempt,
    id: `a${audited.length - 1}`,
    time: new Date().toISOString(),
    outcome,
    graphRequestIds: [],
  });
  const audit: AuditLog = {
    start: (attempt) => {
      audited.push({ ...attempt, outcome: 'started' });
      return Promise.resolve(entry(attempt, 'started'));
    },
    complete: (started, result) => {
      const row = audited[Number(started.id.slice(1))];
      if (row) Object.assign(row, { outcome: result.outcome, result });
      return Promise.resolve({ ...started, outcome: result.outcome });
    },
    refused: (attempt, code) => {
      audited.push({ ...attempt, outcome: 'refused', code });
      return Promise.resolve(entry(attempt, 'refused'));
    },
    list: () => Promise.resolve({ entries: [] }),
  };
  const kept = new Map<string, { status: number; body: unknown; headers?: Record<string, string> }>();
  const running = new Set<string>();
  const idempotency: IdempotencyStore = {
    begin: (scope, key, fingerprint) => {
      const id = `${scope}#${key}`;
      const done = kept.get(id);
      if (done)
        return Promise.resolve({
          kind: 'replay',
          status: done.status,
          body: done.body,
          headers: done.headers ?? {},
        });
      if (running.has(id)) return Promise.resolve({ kind: 'in_progress' });
      running.add(id);
      return Promise.resolve({
        kind: 'started',
        record: { scope, key, fingerprint, state: 'processing', startedAt: '', etag: 'e' },
      });
    },
    complete: (record, response) => {
      running.delete(`${record.scope}#${record.key}`);
      kept.set(`${record.scope}#${record.key}`, response);
      return Promise.resolve();
    },
    release: (record) => {
      running.delete(`${record.scope}#${record.key}`);
      return Promise.resolve();
    },
  };
  const approvals = memoryApprovals();
  const verdict = options.verdict ?? PROTECTED;
  const deps: ActionDeps = {
    graph: {} as Client,
    config: loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }),
    checkTarget: () => Promise.resolve(verdict),
    audit,
    events: recordingEvents(events),
    idempotency,
    lockouts: {
      get: (id) => {
        flagReads.push(id);
        return Promise.resolve(options.flag);
      },
      findByUpn: () => Promise.reject(new Error('the attack-flag check reads by object id')),
      put: (flag) => Promise.resolve({ ...flag, etag: 'e2' }),
    },
    approvals,
    limits: admitAll,
    log: { warn: () => undefined },
  };
  return { deps, audited, events, approvals, flagReads };
}

export const actionRequest = (overrides: Partial<ActionRequest> = {}): ActionRequest => {
  const caller = overrides.caller ?? requester;
  return {
    action: 'mfa.reset',
    user: { kind: 'upn', upn: TARGET.userPrincipalName },
    input: { ticket: 'INC7001', verification: { method: 'video_call', reference: 'Teams call' } },
    caller,
    correlationId: 'c1',
    idempotency: {
      key: 'key-0000000000000001',
      scope: `${caller.id}|POST|users/{user}/mfa/reset`,
      fingerprint: 'body-1',
    },
    ...overrides,
  };
};

/** A suspected-attack flag on the target, as detection writes it. */
export const attackFlag = (status: StoredLockoutFlag['status'] = 'open'): StoredLockoutFlag => ({
  userId: TARGET.id,
  userPrincipalName: TARGET.userPrincipalName,
  category: 'suspected_attack',
  status,
  protected: false,
  lockoutAttempts: 0,
  attackAttempts: 1,
  firstFailureAt: '2026-11-25T08:00:00Z',
  lastFailureAt: '2026-11-25T08:00:00Z',
  recentEvents: [],
  countedAttempts: [],
  openedAt: '2026-11-25T08:05:00Z',
  updatedAt: '2026-11-25T08:05:00Z',
  openEventId: 'e',
  reopenCount: 0,
  etag: 'e1',
});
