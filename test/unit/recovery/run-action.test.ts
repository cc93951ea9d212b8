import type { Client } from '@microsoft/microsoft-graph-client';
import { describe, expect, it, vi } from 'vitest';

import { DEFAULT_FUNCTION_KEY_ROLES } from '../../../src/lib/auth/roles';
import { loadConfig } from '../../../src/lib/config';
import type { StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { AppError } from '../../../src/lib/http/problem';
import type { GuardVerdict } from '../../../src/lib/recovery/action-guard';
import { type ActionDeps, type ActionRequest, runAction } from '../../../src/lib/recovery/run-action';
import type { AuditAttempt, AuditEntry, AuditLog, AuditResult } from '../../../src/lib/storage/audit-log';
import type { IdempotencyBegin, IdempotencyStore } from '../../../src/lib/storage/idempotency-store';
import type { NewRecoveryEvent } from '../../../src/lib/storage/recovery-events';
import { guardRefusal, recordingEvents, TARGET } from '../../support/action-fakes';
import { appErrorOf } from '../../support/app-error';
import { testCaller } from '../../support/callers';
import { admitAll } from '../../support/limits';
import { memoryApprovals } from '../../support/memory-approvals';

const RECORD = {
  scope: 's',
  key: 'k',
  fingerprint: 'f',
  state: 'processing' as const,
  startedAt: '',
  etag: 'e',
};

/** In-memory stand-ins that record what the pipeline did, in order. */
function fakes(
  options: {
    verdict?: GuardVerdict | Error;
    begin?: IdempotencyBegin;
    auditDown?: boolean;
    lockout?: StoredLockoutFlag;
  } = {},
) {
  const steps: string[] = [];
  const started: AuditAttempt[] = [];
  const completed: AuditResult[] = [];
  const events: NewRecoveryEvent[] = [];
  const entry = (attempt: AuditAttempt, outcome: AuditEntry['outcome']): AuditEntry => ({
    ...attempt,
    id: 'a1',
    time: new Date().toISOString(),
    outcome,
    graphRequestIds: [],
  });
  const audit: AuditLog = {
    start: (attempt) => {
      steps.push('audit.start');
      started.push(attempt);
      return options.auditDown
        ? Promise.reject(new AppError('audit_unavailable', 'down'))
        : Promise.resolve(entry(attempt, 'started'));
    },
    complete: (started, result) => {
      steps.push(`audit.complete:${result.outcome}`);
      completed.push(result);
      return Promise.resolve({ ...started, outcome: result.outcome });
    },
    refused: (attempt, code) => {
      steps.push(`audit.refused:${code}`);
      return Promise.resolve(entry(attempt, 'refused'));
    },
    list: () => Promise.resolve({ entries: [] }),
  };
  const idempotency: IdempotencyStore = {
    begin: () => Promise.resolve(options.begin ?? { kind: 'started', record: RECORD }),
    complete: () => {
      steps.push('idempotency.complete');
      return Promise.resolve();
    },
    release: () => {
      steps.push('idempotency.release');
      return Promise.resolve();
    },
  };
  const verdict = options.verdict ?? { allowed: true, target: TARGET, graphRequestIds: ['g1'] };
  const deps: ActionDeps = {
    graph: {} as Client,
    config: loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }),
    checkTarget: () => (verdict instanceof Error ? Promise.reject(verdict) : Promise.resolve(verdict)),
    audit,
    events: recordingEvents(events),
    idempotency,
    lockouts: {
      get: () => Promise.resolve(options.lockout),
      findByUpn: () => Promise.resolve(undefined),
      put: (flag) => {
        steps.push(`lockout.put:${flag.status}:${flag.ticket ?? ''}`);
        return Promise.resolve({ ...flag, etag: 'e2' });
      },
    },
    approvals: memoryApprovals(),
    limits: admitAll,
    log: { warn: () => undefined },
  };
  return { deps, steps, started, completed, events };
}

const request = (method = 'video_call'): ActionRequest => ({
  action: 'mfa.reset',
  user: { kind: 'upn', upn: TARGET.userPrincipalName },
  input: { ticket: 'INC1', verification: { method, reference: 'ref' } },
  caller: testCaller(),
  correlationId: 'c1',
  idempotency: { key: 'k', scope: 's', fingerprint: 'f' },
});

const succeeded = () =>
  Promise.resolve({ status: 200, body: { ok: true }, audit: { outcome: 'succeeded' as const } });

describe('runAction', () => {
  it('writes the audit row before acting, completes it after, and keeps the result for replay', async () => {
    const { deps, steps, completed, events } = fakes();
    const perform = vi.fn(() => {
      steps.push('perform');
      return succeeded();
    });
    const response = await runAction(deps, request(), perform);
    expect(response.status).toBe(200);
    expect(steps).toEqual(['audit.start', 'perform', 'audit.complete:succeeded', 'idempotency.complete']);
    expect(completed[0]?.graphRequestIds).toEqual(['g1']);
    expect(events.map((event) => event.type)).toEqual(['recovery.action.completed']);
  });

  it('names the caller (id, name, client) in the audit row and the event', async () => {
    const { deps, started, events } = fakes();
    const caller = testCaller({
      id: 'user:4c2a1d3b-6e5f-4a7b-8c9d-8e7f6a5b4c32',
      kind: 'user',
      name: 'Demo Helpdesk',
      appId: 'c0a8e1d2-7b4f-4c39-8e5a-2f61d9b3a415',
    });
    await runAction(deps, { ...request(), caller }, succeeded);
    expect(started[0]).toMatchObject({
      caller: caller.id,
      callerName: caller.name,
      callerAppId: caller.appId,
    });
    expect(events[0]?.details?.caller).toEqual({ id: caller.id, name: caller.name, appId: caller.appId });
  });

  it('refuses when the audit store is down, without acting', async () => {
    const { deps, steps } = fakes({ auditDown: true });
    const perform = vi.fn(succeeded);
    expect((await appErrorOf(runAction(deps, request(), perform))).code).toBe('audit_unavailable');
    expect(perform).not.toHaveBeenCalled();
    expect(steps).toContain('idempotency.release');
  });

  it('refuses a protected account, audits and raises an event, without acting', async () => {
    const { deps, steps, events } = fakes({
      verdict: {
        allowed: false,
        code: 'protected_account',
        reasons: ['role:62e9'],
        target: TARGET,
        graphRequestIds: [],
      },
    });
    const perform = vi.fn(succeeded);
    expect((await appErrorOf(runAction(deps, request(), perform))).code).toBe('protected_account');
    expect(perform).not.toHaveBeenCalled();
    // Refused before the key is taken: the guard resolves the target the key is scoped by.
    expect(steps).toEqual(['audit.refused:protected_account']);
    expect(events[0]).toMatchObject({ type: 'recovery.action.refused', severity: 'high' });
  });

  it('raises a break-glass event for a break-glass account', async () => {
    const { deps, events } = fakes({
      verdict: guardRefusal('break_glass_account'),
    });
    expect((await appErrorOf(runAction(deps, request(), succeeded))).code).toBe('break_glass_account');
    expect(events[0]).toMatchObject({
      type: 'security.break_glass_attempt',
      severity: 'high',
      targetId: TARGET.id,
    });
  });

  it('fails closed when the guard cannot decide', async () => {
    const { deps, steps } = fakes({ verdict: new Error('socket hang up') });
    const perform = vi.fn(succeeded);
    expect((await appErrorOf(runAction(deps, request(), perform))).code).toBe('guard_unavailable');
    expect(perform).not.toHaveBeenCalled();
    expect(steps[0]).toBe('audit.refused:guard_unavailable');
  });

  it('refuses a verification method outside the allowed list', async () => {
    const { deps, steps } = fakes();
    expect((await appErrorOf(runAction(deps, request('email_reply'), succeeded))).code).toBe(
      'verification_not_allowed',
    );
    expect(steps[0]).toBe('audit.refused:verification_not_allowed');
  });

  it('releases the key after a partial result so a retry runs again', async () => {
    const { deps, steps } = fakes();
    await runAction(deps, request(), () =>
      Promise.resolve({ status: 200, body: {}, audit: { outcome: 'partial' as const } }),
    );
    expect(steps).toEqual(['audit.start', 'audit.complete:partial', 'idempotency.release']);
  });

  it('records a failed action with its code and releases the key', async () => {
    const { deps, steps, completed } = fakes();
    const failing = () => Promise.reject(new AppError('graph_unavailable', 'down', { graphRequestId: 'r9' }));
    expect((await appErrorOf(runAction(deps, request(), failing))).code).toBe('graph_unavailable');
    expect(completed[0]).toMatchObject({
      outcome: 'failed',
      code: 'graph_unavailable',
      graphRequestIds: ['r9'],
    });
    expect(steps).toContain('idempotency.release');
  });

  it('replays a completed request without acting', async () => {
    const { deps } = fakes({
      begin: { kind: 'replay', status: 201, body: { temporaryAccessPass: null }, headers: {} },
    });
    const perform = vi.fn(succeeded);
    const response = await runAction(deps, request(), perform);
    expect(response).toMatchObject({
      status: 201,
      body: { temporaryAccessPass: null },
      headers: { 'idempotent-replayed': 'true' },
    });
    expect(perform).not.toHaveBeenCalled();
  });

  it('answers 409 while the same key is in progress and 422 for a reused key', async () => {
    expect(
      (await appErrorOf(runAction(fakes({ begin: { kind: 'in_progress' } }).deps, request(), succeeded)))
        .code,
    ).toBe('idempotency_in_progress');
    expect(
      (await appErrorOf(runAction(fakes({ begin: { kind: 'mismatch' } }).deps, request(), succeeded))).code,
    ).toBe('idempotency_key_reused');
  });

  it('starts the prefetch beside the guard and hands its answer to the action', async () => {
    const { deps } = fakes();
    const order: string[] = [];
    deps.checkTarget = () => {
      order.push('guard');
      return Promise.resolve({ allowed: true, target: TARGET, graphRequestIds: [] });
    };
    const prefetch = vi.fn(() => {
      order.push('prefetch');
      return Promise.resolve(['m1']);
    });
    const seen: string[][] = [];
    await runAction(
      deps,
      request(),
      (_context, methods: string[]) => {
        seen.push(methods);
        return succeeded();
      },
      prefetch,
    );
    expect(order).toEqual(['prefetch', 'guard']);
    expect(seen).toEqual([['m1']]);
  });

  it('drops a failed prefetch when the guard refuses, and reports it when the action needs it', async () => {
    const refused = fakes({
      verdict: guardRefusal('protected_account'),
    });
    const failing = () => Promise.reject(new AppError('graph_unavailable', 'down'));
    expect((await appErrorOf(runAction(refused.deps, request(), succeeded, failing))).code).toBe(
      'protected_account',
    );
    const allowed = fakes();
    expect((await appErrorOf(runAction(allowed.deps, request(), succeeded, failing))).code).toBe(
      'graph_unavailable',
    );
    expect(allowed.completed[0]).toMatchObject({ outcome: 'failed', code: 'graph_unavailable' });
  });

  it('refuses with audit_unavailable when the Idempotency-Key cannot be recorded, without acting', async () => {
    const { deps } = fakes();
    deps.idempotency.begin = () => Promise.reject(new Error('ECONNREFUSED'));
    const perform = vi.fn(succeeded);
    expect((await appErrorOf(runAction(deps, request(), perform))).code).toBe('audit_unavailable');
    expect(perform).not.toHaveBeenCalled();
  });

  it('resolves an open lockout flag with the ticket after a recovery that says so, and not an attack flag', async () => {
    const flag = (category: StoredLockoutFlag['category']): StoredLockoutFlag => ({
      userId: TARGET.id,
      category,
      status: 'open',
      protected: false,
      lockoutAttempts: 3,
      attackAttempts: 0,
      firstFailureAt: '2026-11-25T08:00:00Z',
      lastFailureAt: '2026-11-25T08:10:00Z',
      recentEvents: [],
      countedAttempts: [],
      openedAt: '2026-11-25T08:15:00Z',
      updatedAt: '2026-11-25T08:15:00Z',
      openEventId: 'e',
      reopenCount: 0,
      etag: 'e1',
    });
    const recovered = () =>
      Promise.resolve({
        status: 200,
        body: {},
        resolvesLockout: true,
        audit: { outcome: 'succeeded' as const },
      });
    const lockout = fakes({ lockout: flag('lockout') });
    await runAction(lockout.deps, request(), recovered);
    expect(lockout.steps).toContain('lockout.put:resolved:INC1');
    // Only security operations get past an open attack flag; even their recovery leaves it open.
    const attack = fakes({ lockout: flag('suspected_attack') });
    const securityOps = testCaller({ roles: [...DEFAULT_FUNCTION_KEY_ROLES, 'Recovery.SecurityOps'] });
    await runAction(attack.deps, { ...request(), caller: securityOps }, recovered);
    expect(attack.steps.some((step) => step.startsWith('lockout.put'))).toBe(false);
    const dryRun = fakes({ lockout: flag('lockout') });
    await runAction(dryRun.deps, request(), succeeded);
    expect(dryRun.steps.some((step) => step.startsWith('lockout.put'))).toBe(false);
  });
});
