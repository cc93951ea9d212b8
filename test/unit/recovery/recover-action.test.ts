import { afterEach, describe, expect, it, vi } from 'vitest';

import type { TapPolicy } from '../../../src/lib/graph/tap';
import { AppError } from '../../../src/lib/http/problem';
import { recoverUser, type RecoverUserInput } from '../../../src/lib/recovery/recover-action';
import { actionFakes, actionRequest, TARGET } from '../../support/action-fakes';
import { EMAIL_METHOD, OATH_METHOD, PASSWORD_METHOD } from '../../support/graph-methods';
import { TAP_CREATED, TAP_POLICY } from '../../support/tap-fixtures';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

const PASS = TAP_CREATED.temporaryAccessPass;

interface Step {
  id: string;
  method: string;
  url: string;
}

const isTapCreate = (request: SentRequest) =>
  request.method === 'POST' && request.url.endsWith('/authentication/temporaryAccessPassMethods');

/**
 * One user's methods in Graph: a batch DELETE step removes the method (204) unless it is in
 * `refused` (403); revocation succeeds; the TAP create answers `tap`. Lists show what is left.
 */
function setUp(
  options: { refused?: string[]; tap?: () => Response; policy?: TapPolicy; attack?: boolean } = {},
) {
  const methods = new Map([PASSWORD_METHOD, OATH_METHOD, EMAIL_METHOD].map((method) => [method.id, method]));
  const stub = stubGraph((request: SentRequest) => {
    if (request.method === 'GET') return Promise.resolve(json(200, { value: [...methods.values()] }));
    if (isTapCreate(request)) {
      return Promise.resolve(options.tap?.() ?? json(201, TAP_CREATED, { 'request-id': 'req-create' }));
    }
    const responses = (request.body as { requests: Step[] }).requests.map((step) => {
      const id = step.url.split('/').pop() ?? '';
      if (options.refused?.includes(id)) {
        return {
          id: step.id,
          status: 403,
          body: {
            error: { code: 'accessDenied', message: 'denied', innerError: { 'request-id': 'req-403' } },
          },
        };
      }
      methods.delete(id);
      return { id: step.id, status: 204 };
    });
    return Promise.resolve(json(200, { responses }, { 'request-id': `batch-${stub.sent.length}` }));
  });
  const fakes = actionFakes({ graph: stub.graph, lockout: options.attack ? 'suspected_attack' : 'lockout' });
  const deps = { ...fakes.deps, tapPolicy: () => Promise.resolve(options.policy ?? TAP_POLICY) };
  const tapCreates = () => stub.sent.filter(isTapCreate);
  return { ...fakes, deps, stub, methods, tapCreates };
}

const recoverRequest = (input: Partial<RecoverUserInput> = {}) =>
  actionRequest<RecoverUserInput>({ action: 'mfa.recover', input: { revokeSessions: true, ...input } });

const USER = { id: TARGET.id, userPrincipalName: TARGET.userPrincipalName };
const stored = (value: unknown) => JSON.stringify(value);

describe('recoverUser', () => {
  it('resets, confirms, and only then issues one pass, answered once and kept only as metadata', async () => {
    const setup = setUp();
    const response = await recoverUser(setup.deps, recoverRequest());

    expect([...setup.methods.keys()]).toEqual([PASSWORD_METHOD.id]);
    const order = setup.stub.sent.map((request) =>
      isTapCreate(request) ? 'tap' : request.method === 'GET' ? 'list' : 'batch',
    );
    // The prefetched list, the deletes (with the revocation), the confirming list, then the pass.
    expect(order).toEqual(['list', 'batch', 'list', 'tap']);
    expect(setup.tapCreates()[0]?.body).toEqual({ lifetimeInMinutes: 60, isUsableOnce: true });
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({ 'cache-control': 'no-store' });
    expect(response.body).toMatchObject({
      user: USER,
      outcome: 'complete',
      reset: { outcome: 'complete', remaining: [], sessionsRevoked: true, confirmed: true },
      tap: { issued: true, temporaryAccessPass: PASS, methodId: TAP_CREATED.id, lifetimeInMinutes: 60 },
    });

    expect(setup.started.map((attempt) => attempt.action)).toEqual(['mfa.recover']);
    expect(setup.completed).toHaveLength(1);
    expect(setup.completed[0]?.outcome).toBe('succeeded');
    expect(setup.completed[0]?.summary).toMatchObject({
      outcome: 'complete',
      reset: { removed: 2, remaining: 0, sessionsRevoked: true },
      tap: { issued: true, methodId: TAP_CREATED.id },
    });
    expect(setup.events.map((event) => [event.type, event.action, event.outcome])).toEqual([
      ['recovery.action.completed', 'mfa.recover', 'succeeded'],
    ]);
    expect(setup.lockoutPuts).toEqual([{ status: 'resolved', ticket: 'INC1' }]);
    expect(setup.stored).toHaveLength(1);
    expect(setup.stored[0]?.body).toMatchObject({ tap: { temporaryAccessPass: null, passDisclosed: true } });
    for (const kept of [setup.completed, setup.events, setup.stored, setup.warnings]) {
      expect(stored(kept)).not.toContain(PASS);
    }

    // The same Idempotency-Key: the stored answer, the pass not disclosed again, nothing written.
    const writes = () => setup.stub.sent.filter((request) => request.method !== 'GET').length;
    const written = writes();
    const replay = await recoverUser(setup.deps, recoverRequest());
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({
      outcome: 'complete',
      tap: { temporaryAccessPass: null, passDisclosed: true },
    });
    expect(writes()).toBe(written);
    expect(setup.tapCreates()).toHaveLength(1);
  });

  it('issues no pass while a method in scope remains: partial, not kept for replay, lockout left open', async () => {
    const setup = setUp({ refused: [OATH_METHOD.id] });
    const response = await recoverUser(setup.deps, recoverRequest());

    expect(setup.tapCreates()).toEqual([]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      outcome: 'partial',
      reset: { outcome: 'partial', remaining: [{ id: OATH_METHOD.id, type: 'softwareOath' }] },
      tap: { issued: false, reason: 'reset_incomplete' },
    });
    expect(stored(response.body)).not.toContain('temporaryAccessPass');
    expect(setup.completed[0]?.outcome).toBe('partial');
    expect(setup.completed[0]?.summary).toMatchObject({
      outcome: 'partial',
      tap: { issued: false, reason: 'reset_incomplete' },
    });
    expect(response.headers).toMatchObject({ 'cache-control': 'no-store' });
    expect((response.body as { tap: { detail: string } }).tap.detail).toMatch(/no pass was issued/);
    expect(setup.stored).toEqual([]);
    expect(setup.steps).toContain('idempotency.release');
    expect(setup.lockoutPuts).toEqual([]);
  });

  it('still resets when the tenant disables passes, answering partial with the reason', async () => {
    const setup = setUp({ policy: { ...TAP_POLICY, state: 'disabled' } });
    const response = await recoverUser(setup.deps, recoverRequest());

    expect([...setup.methods.keys()]).toEqual([PASSWORD_METHOD.id]);
    expect(setup.tapCreates()).toEqual([]);
    expect(response.body).toMatchObject({
      outcome: 'partial',
      reset: { outcome: 'complete' },
      tap: { issued: false, reason: 'tap_policy_disabled' },
    });
    expect((response.body as { tap: { detail: string } }).tap.detail).toMatch(/policy is disabled/);
    expect(setup.completed[0]?.outcome).toBe('partial');
    expect(setup.lockoutPuts).toEqual([]);
  });

  it('answers partial with Graph’s refusal when the reset is complete but the pass is refused', async () => {
    const setup = setUp({
      tap: () =>
        json(403, {
          error: { code: 'accessDenied', message: 'no', innerError: { 'request-id': 'req-tap-403' } },
        }),
    });
    const response = await recoverUser(setup.deps, recoverRequest());

    expect(setup.tapCreates()).toHaveLength(1);
    expect(response.body).toMatchObject({
      outcome: 'partial',
      reset: { outcome: 'complete' },
      tap: { issued: false },
    });
    expect(setup.completed[0]?.outcome).toBe('partial');
    expect(setup.stored).toEqual([]);
  });

  it('answers unknown, with the reset, when the pass request got no answer, and replays that without a second create', async () => {
    const setup = setUp({
      tap: () => json(504, { error: { code: 'GatewayTimeout', message: '' } }, { 'request-id': 'req-504' }),
    });
    const response = await recoverUser(setup.deps, recoverRequest());

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      code: 'time_budget_exceeded',
      outcome: 'unknown',
      passDisclosed: false,
      temporaryAccessPass: null,
      reset: { outcome: 'complete' },
    });
    expect(setup.completed.map((result) => result.outcome)).toEqual(['unknown']);
    expect(setup.completed[0]?.graphRequestIds).toContain('req-504');
    expect(setup.lockoutPuts).toEqual([]);
    const replay = await recoverUser(setup.deps, recoverRequest());
    expect(replay.body).toMatchObject({ outcome: 'unknown', passDisclosed: false });
    expect(setup.tapCreates()).toHaveLength(1);
  });

  it('refuses a lifetime outside the policy before anything changes', async () => {
    const setup = setUp();
    await expect(recoverUser(setup.deps, recoverRequest({ lifetimeMinutes: 600 }))).rejects.toSatisfy(
      (error) => error instanceof AppError && error.code === 'invalid_request',
    );
    expect(setup.stub.sent.map((request) => request.method)).toEqual(['GET']);
    expect(setup.methods.size).toBe(3);
  });

  it('is refused while the target has an open suspected-attack flag, changing nothing', async () => {
    const setup = setUp({ attack: true });
    await expect(recoverUser(setup.deps, recoverRequest())).rejects.toSatisfy(
      (error) => error instanceof AppError && error.code === 'suspected_attack_open',
    );
    expect(setup.stub.sent.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(setup.refused.map((refusal) => refusal.code)).toEqual(['suspected_attack_open']);
  });
});
