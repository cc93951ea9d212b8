import { describe, expect, it, vi } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import type { GuardVerdict } from '../../../src/lib/recovery/action-guard';
import { type ActionContext, type ActionOutcome, runAction } from '../../../src/lib/recovery/run-action';
import { actionFakes, actionRequest, CORRELATION_ID, TARGET } from '../../support/action-fakes';
import { appErrorOf } from '../../support/app-error';

const done = (outcome: Partial<ActionOutcome> = {}) =>
  vi.fn((): Promise<ActionOutcome> =>
    Promise.resolve({ status: 200, body: { ok: true }, audit: { outcome: 'succeeded' }, ...outcome }),
  );

const refusedBy = (code: 'break_glass_account' | 'protected_account', reasons: string[]): GuardVerdict => ({
  allowed: false,
  code,
  reasons,
  target: TARGET,
  graphRequestIds: ['guard-1'],
});

/** A rejection that is not an Error (a value some libraries reject with). */
// eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
const rejectWithout = (reason: unknown): Promise<never> => Promise.reject(reason);

/** The audit attempt for the request as built by actionRequest(), before the guard resolves the target. */
const ATTEMPT_BY_UPN = {
  action: 'mfa.reset',
  caller: 'function-key',
  ticket: 'INC1',
  verification: { method: 'video_call', reference: 'call-42' },
  correlationId: CORRELATION_ID,
  targetUpn: TARGET.userPrincipalName,
};

describe('runAction: the audit row', () => {
  it('starts the row with who asked, why, how they verified and the resolved target', async () => {
    const fakes = actionFakes();
    await runAction(fakes.deps, actionRequest({ input: { reason: 'lost phone' } }), done());
    expect(fakes.started).toEqual([
      { ...ATTEMPT_BY_UPN, reason: 'lost phone', targetId: TARGET.id, targetUpn: TARGET.userPrincipalName },
    ]);
  });

  it('records a refusal of a user named by object id with that id, and leaves out an absent reason', async () => {
    const fakes = actionFakes();
    const request = actionRequest({
      user: { kind: 'id', id: TARGET.id },
      input: { verification: { method: 'email_reply', reference: 'r' } },
    });
    const error = await appErrorOf(runAction(fakes.deps, request, done()));
    expect(error.code).toBe('verification_not_allowed');
    expect(error.detail).toBe('Verification by email_reply is not accepted here.');
    expect(fakes.refused).toEqual([
      {
        attempt: {
          action: 'mfa.reset',
          caller: 'function-key',
          ticket: 'INC1',
          verification: { method: 'email_reply', reference: 'r' },
          correlationId: CORRELATION_ID,
          targetId: TARGET.id,
        },
        code: 'verification_not_allowed',
        detail: 'Verification by email_reply is not accepted here.',
      },
    ]);
    expect(fakes.steps).toEqual(['audit.refused:verification_not_allowed']);
  });

  it('completes the row with the guard and action request-ids and the summary', async () => {
    const fakes = actionFakes();
    await runAction(
      fakes.deps,
      actionRequest(),
      done({ audit: { outcome: 'succeeded', graphRequestIds: ['act-1'], summary: { removed: 2 } } }),
    );
    expect(fakes.completed).toEqual([
      { outcome: 'succeeded', graphRequestIds: ['guard-1', 'act-1'], summary: { removed: 2 } },
    ]);
  });

  it('completes the row without a summary when the action gives none', async () => {
    const fakes = actionFakes();
    await runAction(fakes.deps, actionRequest(), done());
    expect(fakes.completed).toEqual([{ outcome: 'succeeded', graphRequestIds: ['guard-1'] }]);
  });

  it('still answers when the row cannot be completed, and logs what it would have said', async () => {
    const fakes = actionFakes();
    fakes.deps.audit.complete = () => Promise.reject(new TypeError('socket closed'));
    const response = await runAction(
      fakes.deps,
      actionRequest(),
      done({
        status: 201,
        audit: { outcome: 'succeeded', graphRequestIds: ['act-1'], summary: { methodId: 'm1' } },
      }),
    );
    expect(response.status).toBe(201);
    expect(fakes.warnings).toEqual([
      'audit completion failed (TypeError): entry audit-1 left started; ' +
        'outcome=succeeded code=- graphRequestIds=guard-1,act-1 summary={"methodId":"m1"}',
    ]);
  });

  it('logs a failed action the row could not record with its code, and names a non-Error cause unknown', async () => {
    const fakes = actionFakes({ verdict: { allowed: true, target: TARGET, graphRequestIds: [] } });
    fakes.deps.audit.complete = () => rejectWithout('down');
    const failing = () => Promise.reject(new AppError('graph_unavailable', 'Graph is down.'));
    await appErrorOf(runAction(fakes.deps, actionRequest(), failing));
    expect(fakes.warnings).toContain(
      'audit completion failed (unknown): entry audit-1 left started; ' +
        'outcome=failed code=graph_unavailable graphRequestIds= summary={}',
    );
  });

  it('does not act when the row cannot be started, and releases the key', async () => {
    const fakes = actionFakes();
    fakes.deps.audit.start = () => Promise.reject(new AppError('audit_unavailable', 'down'));
    const perform = done();
    expect((await appErrorOf(runAction(fakes.deps, actionRequest(), perform))).code).toBe(
      'audit_unavailable',
    );
    expect(perform).not.toHaveBeenCalled();
    expect(fakes.steps).toEqual(['guard', 'idempotency.begin', 'idempotency.release']);
  });
});

describe('runAction: the guard', () => {
  it('asks the guard about the user as named, with the correlation id as Graph client-request-id', async () => {
    const fakes = actionFakes();
    let context: ActionContext | undefined;
    await runAction(fakes.deps, actionRequest(), (seen) => {
      context = seen;
      return done()();
    });
    expect(fakes.guarded).toEqual([
      { user: { kind: 'upn', upn: TARGET.userPrincipalName }, clientRequestId: CORRELATION_ID },
    ]);
    expect(context).toEqual({
      graph: fakes.deps.graph,
      target: TARGET,
      userPath: `/users/${TARGET.id}`,
      clientRequestId: CORRELATION_ID,
    });
  });

  it('refuses a protected account with the reasons in the audit only, and announces it', async () => {
    const fakes = actionFakes({ verdict: refusedBy('protected_account', ['role:62e9', 'group:g1']) });
    const error = await appErrorOf(runAction(fakes.deps, actionRequest(), done()));
    expect(error.code).toBe('protected_account');
    const detail =
      'The account holds a protected directory role or group membership; recover it by hand with a privileged administrator.';
    expect(error.detail).toBe(detail);
    expect(fakes.refused).toEqual([
      {
        attempt: { ...ATTEMPT_BY_UPN, targetId: TARGET.id },
        code: 'protected_account',
        detail: `${detail} (role:62e9, group:g1)`,
      },
    ]);
    expect(fakes.events).toEqual([
      {
        type: 'recovery.action.refused',
        severity: 'high',
        action: 'mfa.reset',
        outcome: 'refused',
        targetId: TARGET.id,
        targetUpn: TARGET.userPrincipalName,
        ticket: 'INC1',
        correlationId: CORRELATION_ID,
        details: { code: 'protected_account', caller: { id: 'function-key' } },
      },
    ]);
    expect(fakes.steps).toEqual([
      'guard',
      'event:recovery.action.refused',
      'audit.refused:protected_account',
    ]);
  });

  it('refuses a break-glass account with its own detail and a break-glass event', async () => {
    const fakes = actionFakes({ verdict: refusedBy('break_glass_account', []) });
    const error = await appErrorOf(runAction(fakes.deps, actionRequest(), done()));
    const detail = 'This is a break-glass account: no recovery action may touch it.';
    expect(error.detail).toBe(detail);
    expect(fakes.refused[0]?.detail).toBe(detail);
    expect(fakes.events[0]).toMatchObject({
      type: 'security.break_glass_attempt',
      details: { code: 'break_glass_account', caller: { id: 'function-key' } },
    });
  });

  it('still refuses when the refusal event cannot be published, and logs it', async () => {
    const fakes = actionFakes({ verdict: refusedBy('break_glass_account', []) });
    fakes.deps.events.publish = () => Promise.reject(new RangeError('queue full'));
    expect((await appErrorOf(runAction(fakes.deps, actionRequest(), done()))).code).toBe(
      'break_glass_account',
    );
    expect(fakes.warnings).toEqual(['could not publish refusal event: RangeError']);
    expect(fakes.refused).toHaveLength(1);
  });

  it('logs an unpublished refusal event from a non-Error rejection as unknown', async () => {
    const fakes = actionFakes({ verdict: refusedBy('protected_account', []) });
    fakes.deps.events.publish = () => rejectWithout('full');
    await appErrorOf(runAction(fakes.deps, actionRequest(), done()));
    expect(fakes.warnings).toEqual(['could not publish refusal event: unknown']);
    expect(fakes.refused[0]?.detail).not.toContain('(');
  });

  it('passes on the guard’s own refusal, and wraps anything else as guard_unavailable with its cause', async () => {
    const own = actionFakes();
    own.deps.checkTarget = () => Promise.reject(new AppError('user_not_found', 'No such user.'));
    expect((await appErrorOf(runAction(own.deps, actionRequest(), done()))).code).toBe('user_not_found');
    expect(own.refused.map((refusal) => refusal.code)).toEqual(['user_not_found']);

    const broken = actionFakes();
    const cause = new Error('socket hang up');
    broken.deps.checkTarget = () => Promise.reject(cause);
    const error = await appErrorOf(runAction(broken.deps, actionRequest(), done()));
    expect(error).toMatchObject({ code: 'guard_unavailable', detail: 'The protected-account check failed.' });
    expect(error.cause).toBe(cause);
    expect(broken.refused).toEqual([
      { attempt: ATTEMPT_BY_UPN, code: 'guard_unavailable', detail: 'The protected-account check failed.' },
    ]);
  });
});

describe('runAction: the Idempotency-Key', () => {
  it('keeps a success for replay with its status, headers and the replay body, and replays it', async () => {
    const fakes = actionFakes();
    const perform = done({
      status: 201,
      body: { secret: 'pass' },
      replayBody: { secret: null },
      headers: { 'cache-control': 'no-store' },
    });
    const first = await runAction(fakes.deps, actionRequest(), perform);
    expect(first).toEqual({
      status: 201,
      body: { secret: 'pass' },
      headers: { 'cache-control': 'no-store' },
    });
    expect(fakes.stored).toEqual([
      { status: 201, body: { secret: null }, headers: { 'cache-control': 'no-store' } },
    ]);
    const replay = await runAction(fakes.deps, actionRequest(), perform);
    expect(replay).toEqual({
      status: 201,
      body: { secret: null },
      headers: { 'cache-control': 'no-store', 'idempotent-replayed': 'true' },
    });
    expect(perform).toHaveBeenCalledTimes(1);
    expect(fakes.begun.map((begun) => begun.scope)).toEqual([
      `function-key|POST|users/{user}/x|${TARGET.id}`,
      `function-key|POST|users/{user}/x|${TARGET.id}`,
    ]);
  });

  it('stores the body itself, and no headers, when the action gives no replay body or headers', async () => {
    const fakes = actionFakes();
    const response = await runAction(fakes.deps, actionRequest(), done());
    expect(response).toEqual({ status: 200, body: { ok: true }, headers: {} });
    expect(fakes.stored).toEqual([{ status: 200, body: { ok: true }, headers: {} }]);
  });

  it('answers even when the key cannot be completed, and logs it', async () => {
    const fakes = actionFakes();
    fakes.deps.idempotency.complete = () => Promise.reject(new SyntaxError('bad etag'));
    expect((await runAction(fakes.deps, actionRequest(), done())).status).toBe(200);
    expect(fakes.warnings).toEqual(['could not complete Idempotency-Key record: SyntaxError']);
  });

  it('logs a key that cannot be completed for a non-Error reason as unknown', async () => {
    const fakes = actionFakes();
    fakes.deps.idempotency.complete = () => rejectWithout('gone');
    await runAction(fakes.deps, actionRequest(), done());
    expect(fakes.warnings).toEqual(['could not complete Idempotency-Key record: unknown']);
  });

  it('releases the key of a partial or unknown answer, so the same key runs again', async () => {
    for (const outcome of ['partial', 'unknown', 'failed'] as const) {
      const fakes = actionFakes();
      const perform = done({ audit: { outcome } });
      await runAction(fakes.deps, actionRequest(), perform);
      await runAction(fakes.deps, actionRequest(), perform);
      expect(perform).toHaveBeenCalledTimes(2);
      expect(fakes.stored).toEqual([]);
      expect(fakes.steps.filter((step) => step === 'idempotency.release')).toHaveLength(2);
    }
  });

  it('logs a key that cannot be released, by the error’s name or as unknown, and still answers', async () => {
    const named = actionFakes();
    named.deps.idempotency.release = () => Promise.reject(new EvalError('x'));
    expect(
      (await runAction(named.deps, actionRequest(), done({ audit: { outcome: 'partial' } }))).status,
    ).toBe(200);
    expect(named.warnings).toEqual(['could not release Idempotency-Key record: EvalError']);

    const other = actionFakes();
    other.deps.idempotency.release = () => rejectWithout(42);
    const failing = () => Promise.reject(new AppError('graph_unavailable', 'down'));
    expect((await appErrorOf(runAction(other.deps, actionRequest(), failing))).code).toBe(
      'graph_unavailable',
    );
    expect(other.warnings).toEqual(['could not release Idempotency-Key record: unknown error']);
  });

  it('refuses while the key is in progress, asking for a retry in a second', async () => {
    const fakes = actionFakes();
    let inner: AppError | undefined;
    await runAction(fakes.deps, actionRequest(), async () => {
      inner = await appErrorOf(runAction(fakes.deps, actionRequest(), done()));
      return await done()();
    });
    expect(inner).toMatchObject({
      code: 'idempotency_in_progress',
      detail: 'A request with this Idempotency-Key is still running.',
      options: { retryAfterSeconds: 1 },
    });
  });

  it('refuses a key reused with another request, without acting', async () => {
    const fakes = actionFakes();
    await runAction(fakes.deps, actionRequest(), done());
    const perform = done();
    const other = actionRequest({ idempotency: { ...actionRequest().idempotency, fingerprint: 'f2' } });
    const error = await appErrorOf(runAction(fakes.deps, other, perform));
    expect(error).toMatchObject({
      code: 'idempotency_key_reused',
      detail: 'This Idempotency-Key was sent with a different request.',
    });
    expect(perform).not.toHaveBeenCalled();
  });

  it('refuses as audit_unavailable, with the cause, when the key cannot be recorded', async () => {
    const fakes = actionFakes();
    const cause = new Error('ECONNREFUSED');
    fakes.deps.idempotency.begin = () => Promise.reject(cause);
    const error = await appErrorOf(runAction(fakes.deps, actionRequest(), done()));
    expect(error).toMatchObject({
      code: 'audit_unavailable',
      detail: 'The audit store (Table Storage) is unavailable.',
    });
    expect(error.cause).toBe(cause);
    expect(fakes.started).toEqual([]);
  });
});

describe('runAction: failures and events', () => {
  it('audits, announces and rethrows an AppError, with its request-id and detail', async () => {
    const fakes = actionFakes();
    const error = new AppError('graph_unavailable', 'Graph answered 503.', { graphRequestId: 'r9' });
    expect(await appErrorOf(runAction(fakes.deps, actionRequest(), () => Promise.reject(error)))).toBe(error);
    expect(fakes.completed).toEqual([
      {
        outcome: 'failed',
        code: 'graph_unavailable',
        detail: 'Graph answered 503.',
        graphRequestIds: ['r9'],
      },
    ]);
    expect(fakes.events).toEqual([
      {
        type: 'recovery.action.completed',
        severity: 'info',
        action: 'mfa.reset',
        outcome: 'failed',
        targetId: TARGET.id,
        targetUpn: TARGET.userPrincipalName,
        ticket: 'INC1',
        correlationId: CORRELATION_ID,
        details: { code: 'graph_unavailable', caller: { id: 'function-key' } },
      },
    ]);
    expect(fakes.steps).toEqual([
      'guard',
      'idempotency.begin',
      'audit.start',
      'audit.complete:failed',
      'event:recovery.action.completed',
      'idempotency.release',
    ]);
  });

  it('audits an unexpected error as internal_error and an in-flight timeout as unknown', async () => {
    const unexpected = actionFakes();
    const bug = new TypeError('x is undefined');
    await expect(runAction(unexpected.deps, actionRequest(), () => Promise.reject(bug))).rejects.toBe(bug);
    expect(unexpected.completed).toEqual([
      {
        outcome: 'failed',
        code: 'internal_error',
        detail: 'The action failed unexpectedly.',
        graphRequestIds: [],
      },
    ]);

    const timedOut = actionFakes();
    const lost = new AppError('time_budget_exceeded', 'no answer', { effectUnknown: true });
    await appErrorOf(runAction(timedOut.deps, actionRequest(), () => Promise.reject(lost)));
    expect(timedOut.completed[0]?.outcome).toBe('unknown');
    expect(timedOut.events[0]).toMatchObject({
      outcome: 'unknown',
      details: { code: 'time_budget_exceeded' },
    });
  });

  it('announces a success with the summary and the caller as details', async () => {
    const withSummary = actionFakes();
    await runAction(
      withSummary.deps,
      actionRequest(),
      done({ audit: { outcome: 'partial', summary: { failed: 1 } } }),
    );
    expect(withSummary.events).toEqual([
      {
        type: 'recovery.action.completed',
        severity: 'info',
        action: 'mfa.reset',
        outcome: 'partial',
        targetId: TARGET.id,
        targetUpn: TARGET.userPrincipalName,
        ticket: 'INC1',
        correlationId: CORRELATION_ID,
        details: { failed: 1, caller: { id: 'function-key' } },
      },
    ]);
    const bare = actionFakes();
    await runAction(bare.deps, actionRequest(), done());
    expect(bare.events[0]?.details).toEqual({ caller: { id: 'function-key' } });
  });

  it('answers although the completion event cannot be published, and logs it', async () => {
    const fakes = actionFakes();
    fakes.deps.events.publish = () => Promise.reject(new URIError('queue'));
    expect((await runAction(fakes.deps, actionRequest(), done())).status).toBe(200);
    expect(fakes.warnings).toEqual(['could not publish event: URIError']);
    const other = actionFakes();
    other.deps.events.publish = () => rejectWithout(null);
    await runAction(other.deps, actionRequest(), done());
    expect(other.warnings).toEqual(['could not publish event: unknown']);
  });
});

describe('runAction: the lockout flag', () => {
  const recovered = () => done({ resolvesLockout: true });

  it('resolves the target’s open lockout flag with the ticket after a recovery', async () => {
    const fakes = actionFakes({ lockout: 'lockout' });
    await runAction(fakes.deps, actionRequest(), recovered());
    expect(fakes.lockoutPuts).toEqual([{ status: 'resolved', ticket: 'INC1' }]);
    expect(fakes.steps.indexOf('lockout.put')).toBeGreaterThan(
      fakes.steps.indexOf('audit.complete:succeeded'),
    );
  });

  it('answers although the flag cannot be resolved, and logs it', async () => {
    const fakes = actionFakes({ lockout: 'lockout' });
    fakes.deps.lockouts.put = () => Promise.reject(new ReferenceError('table'));
    expect((await runAction(fakes.deps, actionRequest(), recovered())).status).toBe(200);
    expect(fakes.warnings).toEqual(['could not resolve the lockout flag: ReferenceError']);
  });

  it('refuses, before acting, when the flag cannot be read: an attack flag might be open', async () => {
    const fakes = actionFakes({ lockout: 'lockout' });
    fakes.deps.lockouts.get = () => rejectWithout('x');
    const perform = recovered();
    const error = await appErrorOf(runAction(fakes.deps, actionRequest(), perform));
    expect(error.code).toBe('audit_unavailable');
    expect(perform).not.toHaveBeenCalled();
  });
});
