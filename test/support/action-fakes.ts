import type { Client } from '@microsoft/microsoft-graph-client';

import { loadConfig } from '../../src/lib/config';
import type { LockoutFlag } from '../../src/lib/detection/lockout-flag';
import type { GuardTarget, GuardVerdict } from '../../src/lib/recovery/action-guard';
import type { ActionDeps, ActionRequest } from '../../src/lib/recovery/run-action';
import type { AuditAttempt, AuditEntry, AuditResult } from '../../src/lib/storage/audit-log';
import type { IdempotencyStore, StoredResponse } from '../../src/lib/storage/idempotency-store';
import type { NewRecoveryEvent } from '../../src/lib/storage/recovery-events';
import { testCaller } from './callers';
import { admitAll } from './limits';
import { memoryApprovals } from './memory-approvals';

/** AdeleV of the demo tenant (local/graph seed). */
export const TARGET: GuardTarget = {
  id: '66b022fa-5f4b-45ff-86f2-1ae4037c6f3d',
  userPrincipalName: 'AdeleV@contoso.onmicrosoft.com',
  groupIds: new Set<string>(),
};

/** The guard refusing `target` (TARGET unless told) with `code`, naming no reasons or Graph requests. */
export const guardRefusal = (
  code: Extract<GuardVerdict, { allowed: false }>['code'],
  target: GuardTarget = TARGET,
): GuardVerdict => ({ allowed: false, code, reasons: [], target, graphRequestIds: [] });

/** A GUID, so the Graph client-request-id reuses it (src/lib/http/correlation.ts). */
export const CORRELATION_ID = '0b4f4a8e-2f2c-4d8e-9c1a-5d6e7f809102';

/**
 * The one place the tests build an ActionRequest: the helpdesk names AdeleV by UPN, verified by
 * video call, with ticket INC1. `overrides` change what a test is about.
 */
export function actionRequest<Input extends ActionRequest['input'] = ActionRequest['input']>(
  overrides: Partial<Omit<ActionRequest, 'input'>> & { input?: Partial<Input> } = {},
): ActionRequest & { input: Input } {
  const { input, ...rest } = overrides;
  return {
    action: 'mfa.reset',
    user: { kind: 'upn', upn: TARGET.userPrincipalName },
    caller: testCaller(),
    correlationId: CORRELATION_ID,
    idempotency: {
      key: 'key-0123456789abcdef',
      scope: 'function-key|POST|users/{user}/x',
      fingerprint: 'f1',
    },
    ...rest,
    input: {
      ticket: 'INC1',
      verification: { method: 'video_call', reference: 'call-42' },
      ...input,
    } as Input,
  };
}

/** An event queue that keeps each event in `events` (telling `onPublish` first) and answers as the real one. */
export const recordingEvents = (
  events: NewRecoveryEvent[],
  onPublish: (event: NewRecoveryEvent) => void = () => undefined,
): ActionDeps['events'] => ({
  publish: (event) => {
    onPublish(event);
    events.push(event);
    return Promise.resolve({ ...event, schemaVersion: 1, eventId: 'e', time: '' });
  },
});

interface StoredKey {
  fingerprint: string;
  response?: StoredResponse;
}

/**
 * In-memory stand-ins for everything runAction touches, recording what it did. The idempotency
 * store behaves as the Table Storage one does: one insert per (scope, key), replay once completed.
 * Any member of `deps` can be replaced by a test to inject a failure.
 */
export function actionFakes(
  options: {
    verdict?: GuardVerdict;
    graph?: Client;
    settings?: Record<string, string>;
    lockout?: LockoutFlag['category'];
  } = {},
) {
  const steps: string[] = [];
  const warnings: string[] = [];
  const started: AuditAttempt[] = [];
  const completed: AuditResult[] = [];
  const refused: { attempt: AuditAttempt; code: string; detail: string }[] = [];
  const events: NewRecoveryEvent[] = [];
  const keys = new Map<string, StoredKey>();
  const begun: { scope: string; key: string; fingerprint: string }[] = [];
  const stored: StoredResponse[] = [];
  const guarded: { user: ActionRequest['user']; clientRequestId: string }[] = [];
  const lockoutPuts: { status: string; ticket?: string }[] = [];
  const entry = (attempt: AuditAttempt, outcome: AuditEntry['outcome']): AuditEntry => ({
    ...attempt,
    id: `audit-${started.length + refused.length}`,
    time: '2026-03-02T12:00:00.000Z',
    outcome,
    graphRequestIds: [],
  });
  const idempotency: IdempotencyStore = {
    begin: (scope, key, fingerprint) => {
      steps.push('idempotency.begin');
      begun.push({ scope, key, fingerprint });
      const row = keys.get(`${scope}#${key}`);
      if (!row) {
        keys.set(`${scope}#${key}`, { fingerprint });
        return Promise.resolve({
          kind: 'started',
          record: { scope, key, fingerprint, state: 'processing', startedAt: '', etag: 'e' },
        });
      }
      if (row.fingerprint !== fingerprint) return Promise.resolve({ kind: 'mismatch' });
      if (row.response) {
        const { status, body, headers = {} } = row.response;
        return Promise.resolve({ kind: 'replay', status, body, headers });
      }
      return Promise.resolve({ kind: 'in_progress' });
    },
    complete: (record, response) => {
      steps.push('idempotency.complete');
      stored.push(response);
      keys.set(`${record.scope}#${record.key}`, { fingerprint: record.fingerprint, response });
      return Promise.resolve();
    },
    release: (record) => {
      steps.push('idempotency.release');
      keys.delete(`${record.scope}#${record.key}`);
      return Promise.resolve();
    },
  };
  const verdict: GuardVerdict = options.verdict ?? {
    allowed: true,
    target: TARGET,
    graphRequestIds: ['guard-1'],
  };
  const deps: ActionDeps = {
    graph: options.graph ?? ({} as Client),
    approvals: memoryApprovals(),
    limits: admitAll,
    config: loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', ...options.settings }),
    checkTarget: (user, clientRequestId) => {
      steps.push('guard');
      guarded.push({ user, clientRequestId });
      return Promise.resolve(verdict);
    },
    audit: {
      start: (attempt) => {
        steps.push('audit.start');
        started.push(attempt);
        return Promise.resolve(entry(attempt, 'started'));
      },
      complete: (row, result) => {
        steps.push(`audit.complete:${result.outcome}`);
        completed.push(result);
        return Promise.resolve({ ...row, outcome: result.outcome });
      },
      refused: (attempt, code, detail) => {
        steps.push(`audit.refused:${code}`);
        refused.push({ attempt, code, detail });
        return Promise.resolve(entry(attempt, 'refused'));
      },
      list: () => Promise.resolve({ entries: [] }),
    },
    events: recordingEvents(events, (event) => steps.push(`event:${event.type}`)),
    idempotency,
    lockouts: {
      get: (userId) =>
        Promise.resolve(
          options.lockout && userId === TARGET.id
            ? {
                userId: TARGET.id,
                userPrincipalName: TARGET.userPrincipalName,
                category: options.lockout,
                status: 'open' as const,
                protected: false,
                lockoutAttempts: 3,
                attackAttempts: 0,
                firstFailureAt: '2026-03-02T11:00:00Z',
                lastFailureAt: '2026-03-02T11:10:00Z',
                recentEvents: [],
                countedAttempts: [],
                openedAt: '2026-03-02T11:15:00Z',
                updatedAt: '2026-03-02T11:15:00Z',
                openEventId: 'e',
                reopenCount: 0,
                etag: 'e1',
              }
            : undefined,
        ),
      findByUpn: () => Promise.resolve(undefined),
      put: (flag) => {
        steps.push('lockout.put');
        lockoutPuts.push({ status: flag.status, ...(flag.ticket ? { ticket: flag.ticket } : {}) });
        return Promise.resolve({ ...flag, etag: 'e2' });
      },
    },
    log: { warn: (message) => warnings.push(message) },
  };
  return { deps, steps, warnings, started, completed, refused, events, begun, stored, guarded, lockoutPuts };
}
