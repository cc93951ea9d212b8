import { afterEach, describe, expect, it, vi } from 'vitest';

import type { TapPolicy } from '../../../src/lib/graph/tap';
import { AppError } from '../../../src/lib/http/problem';
import { issueTap, type IssueTapInput } from '../../../src/lib/recovery/tap-action';
import { actionFakes, actionRequest, CORRELATION_ID, TARGET } from '../../support/action-fakes';
import { TAP_CREATED, TAP_POLICY } from '../../support/tap-fixtures';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

const tapRequest = (input: Partial<IssueTapInput> = {}) =>
  actionRequest<IssueTapInput>({ action: 'tap.issue', input });

function setUp(answer: (request: SentRequest) => Response, policy: TapPolicy = TAP_POLICY) {
  const stub = stubGraph((request) => Promise.resolve(answer(request)));
  const fakes = actionFakes({ graph: stub.graph, lockout: 'lockout' });
  const policyReads: string[] = [];
  const deps = {
    ...fakes.deps,
    tapPolicy: (_graph: unknown, clientRequestId: string) => {
      policyReads.push(clientRequestId);
      return Promise.resolve(policy);
    },
  };
  return { ...fakes, deps, stub, policyReads };
}

const created = (body: Record<string, unknown> = TAP_CREATED) =>
  json(201, body, { 'request-id': 'req-create' });

describe('issueTap', () => {
  it('creates the pass as the policy says, answers it once and keeps only its metadata', async () => {
    const setup = setUp(() => created());
    const response = await issueTap(setup.deps, tapRequest());

    expect(setup.policyReads).toEqual([CORRELATION_ID]);
    expect(setup.stub.sent).toHaveLength(1);
    const [sent] = setup.stub.sent;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe(
      `${setup.stub.origin}/v1.0/users/${TARGET.id}/authentication/temporaryAccessPassMethods`,
    );
    // The policy's default lifetime, and one-time use unless the caller asks otherwise.
    expect(sent?.body).toEqual({ lifetimeInMinutes: 60, isUsableOnce: true });
    expect(sent?.headers.get('client-request-id')).toBe(CORRELATION_ID);

    const metadata = {
      user: { id: TARGET.id, userPrincipalName: TARGET.userPrincipalName },
      methodId: TAP_CREATED.id,
      startDateTime: '2026-03-02T12:05:00.000Z',
      lifetimeInMinutes: 60,
      expiresDateTime: '2026-03-02T13:05:00.000Z',
      isUsableOnce: true,
      isUsable: true,
      methodUsabilityReason: 'EnabledByPolicy',
      warnings: [],
    };
    expect(response).toEqual({
      status: 201,
      body: { temporaryAccessPass: 'TAPRocks!', ...metadata },
      headers: { 'cache-control': 'no-store' },
    });
    expect(setup.stored).toEqual([
      {
        status: 201,
        body: { temporaryAccessPass: null, passDisclosed: true, ...metadata },
        headers: { 'cache-control': 'no-store' },
      },
    ]);
    expect(setup.completed).toEqual([
      {
        outcome: 'succeeded',
        graphRequestIds: ['guard-1'],
        summary: {
          methodId: TAP_CREATED.id,
          lifetimeInMinutes: 60,
          isUsableOnce: true,
          startDateTime: '2026-03-02T12:05:00.000Z',
          targetWarning: false,
        },
      },
    ]);
    expect(JSON.stringify([setup.completed, setup.events, setup.stored, setup.warnings])).not.toContain(
      'TAPRocks',
    );
    // The user is back in: their lockout flag is resolved with the ticket.
    expect(setup.lockoutPuts).toEqual([{ status: 'resolved', ticket: 'INC1' }]);
  });

  it('sends the lifetime, use and start asked for, and counts the expiry from the creation when Graph gives no start', async () => {
    const setup = setUp(() =>
      created({
        id: TAP_CREATED.id,
        temporaryAccessPass: 'TAPRocks!',
        createdDateTime: '2026-03-02T12:00:00.000Z',
        lifetimeInMinutes: 120,
        isUsableOnce: false,
      }),
    );
    const response = await issueTap(
      setup.deps,
      tapRequest({ lifetimeMinutes: 120, isUsableOnce: false, startDateTime: '2026-03-02T12:00:00Z' }),
    );
    expect(setup.stub.sent[0]?.body).toEqual({
      lifetimeInMinutes: 120,
      isUsableOnce: false,
      startDateTime: '2026-03-02T12:00:00Z',
    });
    expect(response.body).toMatchObject({
      startDateTime: '2026-03-02T12:00:00.000Z',
      lifetimeInMinutes: 120,
      expiresDateTime: '2026-03-02T14:00:00.000Z',
      isUsableOnce: false,
      isUsable: null,
      methodUsabilityReason: null,
    });
  });

  it('warns, in the answer and the audit, when the user is outside the policy’s targets', async () => {
    const policy = {
      ...TAP_POLICY,
      includeTargets: [{ id: '0e8f1b3c-0000-4000-8000-000000000001', targetType: 'group' }],
    };
    const setup = setUp(() => created(), policy);
    const response = await issueTap(setup.deps, tapRequest());
    expect(response.body).toMatchObject({
      warnings: [
        "The user is not a target of the tenant's Temporary Access Pass policy: the pass cannot be used to sign in.",
      ],
    });
    expect(setup.completed[0]?.summary).toMatchObject({ targetWarning: true });
  });

  it('refuses when the tenant’s policy is disabled, without creating a pass', async () => {
    const setup = setUp(() => created(), { ...TAP_POLICY, state: 'disabled' });
    await expect(issueTap(setup.deps, tapRequest())).rejects.toMatchObject({ code: 'tap_policy_disabled' });
    expect(setup.stub.sent).toEqual([]);
    expect(setup.completed.map((result) => result.outcome)).toEqual(['failed']);
  });

  it('reports a create Graph answered 504 as unknown, discloses no pass and replays that answer', async () => {
    const setup = setUp(() =>
      json(504, { error: { code: 'GatewayTimeout', message: '' } }, { 'request-id': 'req-504' }),
    );
    const response = await issueTap(setup.deps, tapRequest());
    const detail =
      'The pass request reached Microsoft Graph but no pass came back in time: one may exist that was never delivered. ' +
      'Issue a new pass with a new Idempotency-Key; it replaces any pass this request created.';
    const body = {
      type: 'urn:mfa-recovery:problem:time_budget_exceeded',
      title: 'The action did not finish within its time budget',
      status: 503,
      detail,
      code: 'time_budget_exceeded',
      correlationId: CORRELATION_ID,
      graphRequestId: 'req-504',
      outcome: 'unknown',
      passDisclosed: false,
      temporaryAccessPass: null,
      user: { id: TARGET.id, userPrincipalName: TARGET.userPrincipalName },
    };
    const headers = {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      'retry-after': '1',
    };
    expect(response).toEqual({ status: 503, body, headers });
    expect(setup.completed).toEqual([
      {
        outcome: 'unknown',
        graphRequestIds: ['guard-1', 'req-504'],
        summary: { code: 'graph_unavailable', passDisclosed: false },
      },
    ]);
    expect(setup.lockoutPuts).toEqual([]);

    const replay = await issueTap(setup.deps, tapRequest());
    expect(replay).toEqual({ status: 503, body, headers: { ...headers, 'idempotent-replayed': 'true' } });
    expect(setup.stub.sent).toHaveLength(1);
  });

  it('reports an unreadable answer to the create as unknown, without a request-id it never had', async () => {
    const setup = setUp(() => json(201, { id: TAP_CREATED.id }));
    const response = await issueTap(setup.deps, tapRequest());
    expect(response.status).toBe(503);
    expect(response.body).not.toHaveProperty('graphRequestId');
    expect(response.body).toMatchObject({ outcome: 'unknown', temporaryAccessPass: null });
    expect(setup.completed).toEqual([
      {
        outcome: 'unknown',
        graphRequestIds: ['guard-1'],
        summary: { code: 'graph_rejected_request', passDisclosed: false },
      },
    ]);
  });

  it('passes on a refusal Graph made knowingly, and releases the key', async () => {
    const setup = setUp(() =>
      json(400, { error: { code: 'badRequest', message: 'Invalid lifetime' } }, { 'request-id': 'req-400' }),
    );
    const error: unknown = await issueTap(setup.deps, tapRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 502, options: { graphRequestId: 'req-400' } });
    expect(setup.completed).toMatchObject([{ outcome: 'failed', graphRequestIds: ['req-400'] }]);
    expect(setup.stored).toEqual([]);
    expect(setup.steps).toContain('idempotency.release');
  });
});
