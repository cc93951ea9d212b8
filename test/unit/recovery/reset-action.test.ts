import { afterEach, describe, expect, it, vi } from 'vitest';

import { type ResetMfaInput, resetUserMfa } from '../../../src/lib/recovery/reset-action';
import { actionFakes, actionRequest, TARGET } from '../../support/action-fakes';
import { EMAIL_METHOD, OATH_METHOD, PASSWORD_METHOD } from '../../support/graph-methods';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

interface Step {
  id: string;
  method: string;
  url: string;
}
type StepAnswer = { status: number; headers?: Record<string, string>; body?: unknown };

/**
 * One user's methods in Graph: a batch DELETE step removes the method (204) unless `refuse`
 * answers it otherwise; the revoke step answers `revoke`. Lists show what is left.
 */
function tenant(options: { refuse?: (step: Step) => StepAnswer | undefined; revoke?: StepAnswer } = {}) {
  const methods = new Map([PASSWORD_METHOD, OATH_METHOD, EMAIL_METHOD].map((method) => [method.id, method]));
  const stub = stubGraph((request: SentRequest) => {
    if (request.method === 'GET') return Promise.resolve(json(200, { value: [...methods.values()] }));
    const steps = (request.body as { requests: Step[] }).requests;
    const responses = steps.map((step) => {
      if (step.url.endsWith('/revokeSignInSessions'))
        return { id: step.id, ...(options.revoke ?? { status: 204 }) };
      const refusal = options.refuse?.(step);
      if (refusal) return { id: step.id, ...refusal };
      methods.delete(step.url.split('/').pop() ?? '');
      return { id: step.id, status: 204 };
    });
    return Promise.resolve(json(200, { responses }, { 'request-id': `batch-${stub.sent.length}` }));
  });
  const stepUrls = () =>
    stub.sent.flatMap((request) =>
      request.method === 'POST'
        ? (request.body as { requests: Step[] }).requests.map((step) => step.url)
        : [],
    );
  return { stub, methods, stepUrls };
}

const resetRequest = (input: Partial<ResetMfaInput> = {}) =>
  actionRequest<ResetMfaInput>({
    action: 'mfa.reset',
    input: { revokeSessions: true, dryRun: false, ...input },
  });

function setUp(options: Parameters<typeof tenant>[0] = {}) {
  const graph = tenant(options);
  return { ...actionFakes({ graph: graph.stub.graph, lockout: 'lockout' }), ...graph };
}

const USER = { id: TARGET.id, userPrincipalName: TARGET.userPrincipalName };
const ref = (method: { id: string }, type: string) => ({ id: method.id, type });
const throttled = (seconds: number) => ({
  status: 429,
  headers: { 'retry-after': String(seconds) },
  body: {
    error: {
      code: 'TooManyRequests',
      message: 'throttled',
      innerError: { 'request-id': `req-429-${seconds}` },
    },
  },
});

describe('resetUserMfa', () => {
  it('removes every removable method, revokes sessions, confirms, and resolves the lockout', async () => {
    const setup = setUp();
    const response = await resetUserMfa(setup.deps, resetRequest());
    expect([...setup.methods.keys()]).toEqual([PASSWORD_METHOD.id]);
    expect(setup.stepUrls()).toContain(`/users/${TARGET.id}/revokeSignInSessions`);
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({});
    expect(response.body).toMatchObject({
      user: USER,
      outcome: 'complete',
      failed: [],
      remaining: [],
      sessionsRevoked: true,
      confirmed: true,
    });
    expect((response.body as { removed: unknown[] }).removed).toEqual(
      expect.arrayContaining([ref(OATH_METHOD, 'softwareOath'), ref(EMAIL_METHOD, 'email')]),
    );
    expect(setup.completed).toHaveLength(1);
    expect(setup.completed[0]?.outcome).toBe('succeeded');
    expect(setup.completed[0]?.graphRequestIds?.[0]).toBe('guard-1');
    expect(setup.completed[0]?.graphRequestIds?.slice(1).every((id) => id.startsWith('batch-'))).toBe(true);
    expect(setup.completed[0]?.summary).toEqual({
      outcome: 'complete',
      removed: 2,
      failed: [],
      remaining: 0,
      sessionsRevoked: true,
      confirmed: true,
      dryRun: false,
    });
    expect(setup.lockoutPuts).toEqual([{ status: 'resolved', ticket: 'INC1' }]);
    expect(setup.stored).toHaveLength(1);
  });

  it('removes only the types asked for, and does not revoke when told not to', async () => {
    const setup = setUp();
    const response = await resetUserMfa(
      setup.deps,
      resetRequest({ methodTypes: ['email'], revokeSessions: false }),
    );
    expect(setup.stepUrls()).toEqual([`/users/${TARGET.id}/authentication/emailMethods/${EMAIL_METHOD.id}`]);
    expect([...setup.methods.keys()]).toEqual([PASSWORD_METHOD.id, OATH_METHOD.id]);
    expect(response.body).toMatchObject({
      outcome: 'complete',
      removed: [ref(EMAIL_METHOD, 'email')],
      sessionsRevoked: null,
    });
  });

  it('plans without changing anything in dry-run mode, and resolves no lockout', async () => {
    const setup = setUp();
    const response = await resetUserMfa(setup.deps, resetRequest({ dryRun: true }));
    expect(setup.stepUrls()).toEqual([]);
    expect(response.body).toMatchObject({ outcome: 'planned', removed: [] });
    expect(setup.completed[0]?.outcome).toBe('succeeded');
    expect(setup.completed[0]?.summary).toMatchObject({
      outcome: 'planned',
      dryRun: true,
      sessionsRevoked: null,
    });
    expect(setup.lockoutPuts).toEqual([]);
  });

  it('answers partial with each refusal in the audit, releases the key and leaves the lockout open', async () => {
    const setup = setUp({
      refuse: (step) =>
        step.url.includes('softwareOath')
          ? {
              status: 403,
              body: {
                error: { code: 'accessDenied', message: 'no', innerError: { 'request-id': 'req-403' } },
              },
            }
          : undefined,
    });
    const response = await resetUserMfa(setup.deps, resetRequest());
    expect(response.headers).toEqual({});
    expect(response.body).toMatchObject({
      outcome: 'partial',
      remaining: [ref(OATH_METHOD, 'softwareOath')],
    });
    expect(setup.completed[0]).toMatchObject({
      outcome: 'partial',
      summary: {
        outcome: 'partial',
        removed: 1,
        failed: ['softwareOath:403:accessDenied'],
        remaining: 1,
        sessionsRevoked: true,
        confirmed: true,
      },
    });
    expect(setup.completed[0]?.graphRequestIds).toContain('req-403');
    expect(setup.completed[0]?.summary).not.toHaveProperty('sessionsRevocationFailure');
    expect(setup.stored).toEqual([]);
    expect(setup.lockoutPuts).toEqual([]);
  });

  it('names a refusal without a Graph code by its status alone', async () => {
    const setup = setUp({ refuse: (step) => (step.url.includes('email') ? { status: 403 } : undefined) });
    await resetUserMfa(setup.deps, resetRequest());
    expect(setup.completed[0]?.summary).toMatchObject({ failed: ['email:403:'] });
  });

  it('passes on the longest wait Graph asked for, over throttled deletes and the revocation', async () => {
    const setup = setUp({
      refuse: (step) => (step.url.includes('email') ? throttled(45) : undefined),
      revoke: throttled(30),
    });
    const response = await resetUserMfa(setup.deps, resetRequest());
    expect(response.headers).toEqual({ 'retry-after': '45' });
    expect(response.body).toMatchObject({ outcome: 'partial', sessionsRevoked: false });
    expect(setup.completed[0]?.summary).toMatchObject({
      failed: ['email:429:TooManyRequests'],
      sessionsRevoked: false,
      sessionsRevocationFailure: { status: 429, graphCode: 'TooManyRequests', retryAfterSeconds: 30 },
    });
  });

  it('passes on the revocation’s wait when only the revocation was throttled', async () => {
    const setup = setUp({ revoke: throttled(30) });
    const response = await resetUserMfa(setup.deps, resetRequest());
    expect(response.headers).toEqual({ 'retry-after': '30' });
  });

  it('sends no Retry-After for a revocation Graph refused without asking to wait', async () => {
    const setup = setUp({
      revoke: { status: 500, body: { error: { code: 'generalException', message: 'x' } } },
    });
    const response = await resetUserMfa(setup.deps, resetRequest());
    expect(response.headers).toEqual({});
    expect(setup.completed[0]?.summary).toMatchObject({
      sessionsRevocationFailure: { status: 500, graphCode: 'generalException' },
    });
  });
});
