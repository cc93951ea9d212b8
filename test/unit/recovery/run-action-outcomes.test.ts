import type { Client } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { currentDeadline } from '../../../src/lib/deadline';
import { AppError } from '../../../src/lib/http/problem';
import { type ActionDeps, type ActionRequest, runAction } from '../../../src/lib/recovery/run-action';
import type { AuditEntry, AuditResult } from '../../../src/lib/storage/audit-log';
import type { IdempotencyStore } from '../../../src/lib/storage/idempotency-store';
import { testCaller } from '../../support/callers';
import { admitAll } from '../../support/limits';
import { memoryApprovals } from '../../support/memory-approvals';

const TARGET = {
  id: '66b022fa-5f4b-45ff-86f2-1ae4037c6f3d',
  userPrincipalName: 'AdeleV@contoso.onmicrosoft.com',
  groupIds: new Set<string>(),
};

/** An idempotency store as Table Storage behaves: one insert per (scope, key) wins. */
function memoryIdempotency() {
  const rows = new Map<string, { fingerprint: string; completed?: { status: number; body: unknown } }>();
  const scopes: string[] = [];
  const store: IdempotencyStore = {
    begin: (scope, key, fingerprint) => {
      scopes.push(scope);
      const id = `${scope}#${key}`;
      const row = rows.get(id);
      if (!row) {
        rows.set(id, { fingerprint });
        return Promise.resolve({
          kind: 'started',
          record: { scope, key, fingerprint, state: 'processing', startedAt: '', etag: 'e' },
        });
      }
      if (row.fingerprint !== fingerprint) return Promise.resolve({ kind: 'mismatch' });
      if (row.completed) return Promise.resolve({ kind: 'replay', ...row.completed, headers: {} });
      return Promise.resolve({ kind: 'in_progress' });
    },
    complete: (record, response) => {
      rows.set(`${record.scope}#${record.key}`, { fingerprint: record.fingerprint, completed: response });
      return Promise.resolve();
    },
    release: (record) => {
      rows.delete(`${record.scope}#${record.key}`);
      return Promise.resolve();
    },
  };
  return { store, rows, scopes };
}

function deps(idempotency: IdempotencyStore, budgetSeconds = '25') {
  const completed: AuditResult[] = [];
  const events: string[] = [];
  const actionDeps: ActionDeps = {
    graph: {} as Client,
    config: loadConfig({
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      ACTION_TIME_BUDGET_SECONDS: budgetSeconds,
    }),
    checkTarget: () => Promise.resolve({ allowed: true, target: TARGET, graphRequestIds: [] }),
    audit: {
      start: (attempt) =>
        Promise.resolve({
          ...attempt,
          id: 'a1',
          time: '',
          outcome: 'started',
          graphRequestIds: [],
        } as AuditEntry),
      complete: (entry, result) => {
        completed.push(result);
        return Promise.resolve({ ...entry, outcome: result.outcome });
      },
      refused: (attempt) =>
        Promise.resolve({
          ...attempt,
          id: 'a1',
          time: '',
          outcome: 'refused',
          graphRequestIds: [],
        } as AuditEntry),
      list: () => Promise.resolve({ entries: [] }),
    },
    events: {
      publish: (event) => {
        events.push(event.outcome ?? '');
        return Promise.resolve({ ...event, schemaVersion: 1, eventId: 'e', time: '' });
      },
    },
    idempotency,
    lockouts: {
      get: () => Promise.resolve(undefined),
      findByUpn: () => Promise.resolve(undefined),
      put: (flag) => Promise.resolve({ ...flag, etag: 'e2' }),
    },
    approvals: memoryApprovals(),
    limits: admitAll,
    log: { warn: () => undefined },
  };
  return { actionDeps, completed, events };
}

const request = (user: ActionRequest['user']): ActionRequest => ({
  action: 'tap.issue',
  user,
  input: { ticket: 'INC1', verification: { method: 'video_call', reference: 'ref' } },
  caller: testCaller(),
  correlationId: 'c1',
  idempotency: { key: 'key-0123456789abcdef', scope: 'function-key|POST|users/{user}/tap', fingerprint: 'f' },
});

describe('runAction idempotency by resolved object id', () => {
  it('scopes the key by the object id the guard resolved, whichever way the user was named', async () => {
    const { store, scopes } = memoryIdempotency();
    const { actionDeps } = deps(store);
    let performed = 0;
    const perform = () => {
      performed += 1;
      return Promise.resolve({
        status: 201,
        body: { n: performed },
        audit: { outcome: 'succeeded' as const },
      });
    };
    const byUpn = await runAction(
      actionDeps,
      request({ kind: 'upn', upn: TARGET.userPrincipalName }),
      perform,
    );
    const byId = await runAction(actionDeps, request({ kind: 'id', id: TARGET.id }), perform);
    expect(performed).toBe(1);
    expect(byId.body).toEqual(byUpn.body);
    expect(byId.headers['idempotent-replayed']).toBe('true');
    expect(scopes).toEqual([
      `function-key|POST|users/{user}/tap|${TARGET.id}`,
      `function-key|POST|users/{user}/tap|${TARGET.id}`,
    ]);
  });

  it('runs one action for concurrent requests naming the user by UPN and by id with one key', async () => {
    const { store } = memoryIdempotency();
    const { actionDeps } = deps(store);
    let performed = 0;
    const perform = async () => {
      performed += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 201, body: {}, audit: { outcome: 'succeeded' as const } };
    };
    const answers = await Promise.allSettled([
      runAction(actionDeps, request({ kind: 'upn', upn: TARGET.userPrincipalName }), perform),
      runAction(actionDeps, request({ kind: 'id', id: TARGET.id }), perform),
    ]);
    expect(performed).toBe(1);
    const refused = answers.find((answer) => answer.status === 'rejected');
    expect(refused?.reason).toMatchObject({
      code: 'idempotency_in_progress',
    });
  });
});

describe('runAction outcomes', () => {
  it('audits a write that timed out in flight as unknown and releases the key', async () => {
    const { store, rows } = memoryIdempotency();
    const { actionDeps, completed, events } = deps(store);
    const perform = () =>
      Promise.reject(
        new AppError('time_budget_exceeded', 'no answer', { effectUnknown: true, retryAfterSeconds: 1 }),
      );
    await expect(
      runAction(actionDeps, request({ kind: 'id', id: TARGET.id }), perform),
    ).rejects.toMatchObject({
      code: 'time_budget_exceeded',
    });
    expect(completed.map((result) => result.outcome)).toEqual(['unknown']);
    expect(events).toEqual(['unknown']);
    expect(rows.size).toBe(0);
  });

  it('keeps an answer marked for replay although it is not a success', async () => {
    const { store } = memoryIdempotency();
    const { actionDeps, completed } = deps(store);
    let performed = 0;
    const perform = () => {
      performed += 1;
      return Promise.resolve({
        status: 503,
        body: { outcome: 'unknown', passDisclosed: false },
        storeForReplay: true,
        audit: { outcome: 'unknown' as const },
      });
    };
    await runAction(actionDeps, request({ kind: 'id', id: TARGET.id }), perform);
    const replay = await runAction(actionDeps, request({ kind: 'id', id: TARGET.id }), perform);
    expect(performed).toBe(1);
    expect(replay).toMatchObject({ status: 503, body: { outcome: 'unknown', passDisclosed: false } });
    expect(completed.map((result) => result.outcome)).toEqual(['unknown']);
  });

  it('runs the action within the configured deadline', async () => {
    const { store } = memoryIdempotency();
    const { actionDeps } = deps(store, '7');
    let seen: { tenantAt: number; answerAt: number } | undefined;
    const started = Date.now();
    await runAction(actionDeps, request({ kind: 'id', id: TARGET.id }), () => {
      seen = currentDeadline();
      return Promise.resolve({ status: 200, body: {}, audit: { outcome: 'succeeded' as const } });
    });
    expect(seen).toBeDefined();
    // 7 s budget: a fifth (1.4 s) is kept for the audit, event and idempotency record.
    expect(seen!.answerAt - started).toBeGreaterThanOrEqual(7000);
    expect(seen!.answerAt - seen!.tenantAt).toBe(1400);
    expect(currentDeadline()).toBeUndefined();
  });
});
