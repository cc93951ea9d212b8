import { afterEach, describe, expect, it, vi } from 'vitest';

import { actionDeadline, withDeadline } from '../../../src/lib/deadline';
import type { GraphAuthenticationMethod } from '../../../src/lib/graph/users';
import { AppError } from '../../../src/lib/http/problem';
import { DEFAULT_METHOD_HINT } from '../../../src/lib/recovery/default-method';
import { resetMfa } from '../../../src/lib/recovery/reset-mfa';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

const USER_PATH = '/users/5b2c8f1e-3d4a-4b6c-9e8f-7a1b2c3d4e5f';
const oath = (id: string): GraphAuthenticationMethod => ({
  '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod',
  id,
});
const PASSWORD: GraphAuthenticationMethod = {
  '@odata.type': '#microsoft.graph.passwordAuthenticationMethod',
  id: '28c10230-6103-485e-b985-444c60001490',
};

interface Step {
  id: string;
  method: string;
  url: string;
}
type StepAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Graph as a script: `answer(step, round)` gives each batch step's answer, `round` counting the
 * batches that held a step for the same url before. Every batch and step is recorded.
 */
function scriptedGraph(answer: (step: Step, round: number) => StepAnswer) {
  const seen = new Map<string, number>();
  const stub = stubGraph((request: SentRequest) => {
    const steps = (request.body as { requests: Step[] }).requests;
    const responses = steps.map((step) => {
      const round = seen.get(step.url) ?? 0;
      seen.set(step.url, round + 1);
      const { status, body, headers = {} } = answer(step, round);
      return { id: step.id, status, headers, ...(body === undefined ? {} : { body }) };
    });
    return Promise.resolve(json(200, { responses }, { 'request-id': `batch-${stub.sent.length}` }));
  });
  return stub;
}

const graphError = (code: string, requestId: string, message = 'refused') => ({
  error: { code, message, innerError: { 'request-id': requestId } },
});
const isRevoke = (step: Step) => step.url.endsWith('/revokeSignInSessions');
const methodId = (step: Step) => step.url.split('/').pop() ?? '';

async function reset(
  methods: GraphAuthenticationMethod[],
  answer: (step: Step, round: number) => StepAnswer,
  options: { revokeSessions?: boolean; relist?: () => Promise<GraphAuthenticationMethod[]> } = {},
) {
  const stub = scriptedGraph(answer);
  // A throttled step is re-sent only if its Retry-After ends within the action's deadline.
  const report = await withDeadline(actionDeadline(2_000), () =>
    resetMfa(
      { userPath: USER_PATH, methods, revokeSessions: options.revokeSessions ?? false, dryRun: false },
      {
        graph: stub.graph,
        clientRequestId: 'c',
        listMethods: options.relist ?? (() => Promise.resolve([PASSWORD])),
      },
    ),
  );
  return { report, batches: stub.sent.length };
}

const ids = (refs: readonly { id: string }[]) => refs.map((ref) => ref.id).sort();

describe('resetMfa against a scripted Graph', () => {
  it('plans without sending anything in dry-run mode', async () => {
    const stub = scriptedGraph(() => ({ status: 204 }));
    const report = await resetMfa(
      { userPath: USER_PATH, methods: [PASSWORD, oath('a')], revokeSessions: true, dryRun: true },
      { graph: stub.graph, clientRequestId: 'c', listMethods: () => Promise.resolve([]) },
    );
    expect(report).toMatchObject({
      outcome: 'planned',
      planned: [{ id: 'a', type: 'softwareOath' }],
      removed: [],
      sessionsRevoked: null,
      confirmed: false,
      graphRequestIds: [],
    });
    expect(stub.sent).toHaveLength(0);
  });

  it('counts 200 and 404 answers as removed, like 204', async () => {
    const statuses: Record<string, number> = { a: 204, b: 200, c: 404 };
    const { report } = await reset([PASSWORD, oath('a'), oath('b'), oath('c')], (step) => ({
      status: statuses[methodId(step)] ?? 500,
    }));
    expect(report).toMatchObject({ outcome: 'complete', failed: [], remaining: [], confirmed: true });
    expect(ids(report.removed)).toEqual(['a', 'b', 'c']);
  });

  it('reports a failed revocation with its status, code and request-id: partial though every method went', async () => {
    const { report } = await reset(
      [PASSWORD, oath('a')],
      (step) =>
        isRevoke(step)
          ? { status: 503, body: graphError('serviceUnavailable', 'revoke-1') }
          : { status: 204 },
      { revokeSessions: true },
    );
    expect(report).toMatchObject({
      outcome: 'partial',
      sessionsRevoked: false,
      sessionsRevocationFailure: { status: 503, graphCode: 'serviceUnavailable', graphRequestId: 'revoke-1' },
      remaining: [],
    });
    expect(report.graphRequestIds).toContain('revoke-1');
  });

  it('reports a revocation Graph answered 200 as done, with no failure', async () => {
    const { report } = await reset(
      [PASSWORD, oath('a')],
      (step) => ({ status: isRevoke(step) ? 200 : 204 }),
      {
        revokeSessions: true,
      },
    );
    expect(report).toMatchObject({ outcome: 'complete', sessionsRevoked: true });
    expect(report).not.toHaveProperty('sessionsRevocationFailure');
  });

  it('retries a delete Graph refused with 400 or 424 once others went, and stops after two retry rounds', async () => {
    // a goes at once; b, c, d are refused until the round after the one before them went.
    const goesInRound: Record<string, number> = { a: 0, b: 1, c: 2, d: 3, e: 1 };
    const { report, batches } = await reset(
      [PASSWORD, oath('a'), oath('b'), oath('c'), oath('d'), oath('e')],
      (step, round) =>
        round >= (goesInRound[methodId(step)] ?? 0)
          ? { status: 204 }
          : methodId(step) === 'e'
            ? { status: 424 }
            : { status: 400, body: graphError('badRequest', `refused-${methodId(step)}-${round}`) },
      { relist: () => Promise.resolve([PASSWORD, oath('d')]) },
    );
    expect(batches).toBe(3);
    expect(ids(report.removed)).toEqual(['a', 'b', 'c', 'e']);
    expect(report.failed.map((failure) => [failure.id, failure.status])).toEqual([['d', 400]]);
    expect(report.graphRequestIds).toContain('refused-d-2');
    expect(report.outcome).toBe('partial');
  });

  it('does not retry a delete refused for another reason (403)', async () => {
    const { report, batches } = await reset(
      [PASSWORD, oath('a'), oath('b')],
      (step) =>
        methodId(step) === 'b'
          ? { status: 403, body: graphError('Authorization_RequestDenied', 'denied-b') }
          : { status: 204 },
      { relist: () => Promise.resolve([PASSWORD, oath('b')]) },
    );
    expect(batches).toBe(1);
    expect(report.failed).toEqual([
      expect.objectContaining({ id: 'b', status: 403, graphCode: 'Authorization_RequestDenied' }),
    ]);
  });

  it('does not retry when nothing went in a round', async () => {
    const { batches, report } = await reset(
      [PASSWORD, oath('a'), oath('b')],
      () => ({ status: 400, body: graphError('badRequest', 'r') }),
      { relist: () => Promise.resolve([PASSWORD, oath('a'), oath('b')]) },
    );
    expect(batches).toBe(1);
    expect(ids(report.remaining)).toEqual(['a', 'b']);
  });

  it('answers graph_throttled with the longest Retry-After when Graph throttled every step', async () => {
    const error: unknown = await reset(
      [PASSWORD, oath('a'), oath('b')],
      (step) => ({
        status: 429,
        headers: { 'Retry-After': methodId(step) === 'a' ? '7' : '3' },
        body: graphError('TooManyRequests', `throttled-${methodId(step)}`),
      }),
      { relist: () => Promise.resolve([PASSWORD, oath('a'), oath('b')]) },
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('graph_throttled');
    expect((error as AppError).options.retryAfterSeconds).toBe(7);
  });

  it('reports partial, not throttled, when some methods went before Graph throttled the rest', async () => {
    const { report } = await reset(
      [PASSWORD, oath('a'), oath('b')],
      (step) =>
        methodId(step) === 'b'
          ? { status: 429, headers: { 'Retry-After': '30' }, body: graphError('TooManyRequests', 't') }
          : { status: 204 },
      { relist: () => Promise.resolve([PASSWORD, oath('b')]) },
    );
    expect(report.outcome).toBe('partial');
    expect(report.failed).toEqual([expect.objectContaining({ id: 'b', status: 429, retryAfterSeconds: 30 })]);
  });

  it('reports unconfirmed and partial when the confirming list fails, keeping what the batches said', async () => {
    const { report } = await reset(
      [PASSWORD, oath('a'), oath('b')],
      (step) => ({ status: methodId(step) === 'a' ? 204 : 500 }),
      { relist: () => Promise.reject(new AppError('graph_unavailable', 'Graph is down')) },
    );
    expect(report).toMatchObject({ outcome: 'partial', confirmed: false });
    expect(ids(report.removed)).toEqual(['a']);
    expect(ids(report.remaining)).toEqual(['b']);
  });

  it('never calls a reset complete without its confirming list, even when every delete went', async () => {
    const { report } = await reset([PASSWORD, oath('a')], () => ({ status: 204 }), {
      relist: () => Promise.reject(new AppError('graph_unavailable', 'Graph is down')),
    });
    expect(report).toMatchObject({ outcome: 'partial', confirmed: false, remaining: [] });
  });

  it('passes on a confirming list whose effect is unknown, and any other failure', async () => {
    const unknown = new AppError('time_budget_exceeded', 'late', { effectUnknown: true });
    await expect(
      reset([PASSWORD, oath('a')], () => ({ status: 204 }), { relist: () => Promise.reject(unknown) }),
    ).rejects.toBe(unknown);
    const bug = new TypeError('bug');
    await expect(
      reset([PASSWORD, oath('a')], () => ({ status: 204 }), { relist: () => Promise.reject(bug) }),
    ).rejects.toBe(bug);
  });
});

describe('resetMfa: what each refusal tells the caller', () => {
  it('says why the reset was throttled, with the first throttled step’s request-id and at least 1 s', async () => {
    const error: unknown = await reset(
      [PASSWORD, oath('a')],
      () => ({ status: 429, body: graphError('TooManyRequests', 'throttled-a') }),
      { relist: () => Promise.resolve([PASSWORD, oath('a')]) },
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'graph_throttled',
      detail: 'Graph throttled the reset before it could change anything; retry after the wait.',
      options: { retryAfterSeconds: 1, graphRequestId: 'throttled-a' },
    });
  });

  it('answers graph_throttled when only the revocation was asked for and Graph throttled it', async () => {
    const error: unknown = await reset(
      [PASSWORD],
      () => ({
        status: 429,
        headers: { 'Retry-After': '30' },
        body: graphError('TooManyRequests', 'throttled-revoke'),
      }),
      { revokeSessions: true },
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      code: 'graph_throttled',
      options: { retryAfterSeconds: 30, graphRequestId: 'throttled-revoke' },
    });
  });

  it('reports a throttled revocation beside a refused delete as partial, not throttled', async () => {
    const { report } = await reset(
      [PASSWORD, oath('a')],
      (step) =>
        isRevoke(step)
          ? { status: 429, headers: { 'Retry-After': '30' }, body: graphError('TooManyRequests', 't') }
          : { status: 403, body: graphError('accessDenied', 'denied-a') },
      { revokeSessions: true, relist: () => Promise.resolve([PASSWORD, oath('a')]) },
    );
    expect(report).toMatchObject({
      outcome: 'partial',
      sessionsRevoked: false,
      sessionsRevocationFailure: { status: 429, retryAfterSeconds: 30 },
    });
  });

  it('keeps Graph’s message of a 4xx refusal, not of a 5xx, and a Retry-After only for a 429', async () => {
    const { report } = await reset(
      [PASSWORD, oath('a'), oath('b'), oath('c')],
      (step) =>
        methodId(step) === 'a'
          ? { status: 403, body: graphError('accessDenied', 'denied-a', 'Insufficient privileges') }
          : methodId(step) === 'b'
            ? {
                status: 500,
                headers: { 'Retry-After': '5' },
                body: graphError('generalException', 'err-b', 'boom'),
              }
            : { status: 204 },
      { relist: () => Promise.resolve([PASSWORD, oath('a'), oath('b')]) },
    );
    const byId = new Map(report.failed.map((failure) => [failure.id, failure]));
    expect(byId.get('a')).toEqual({
      id: 'a',
      type: 'softwareOath',
      status: 403,
      graphCode: 'accessDenied',
      graphRequestId: 'denied-a',
      message: 'Insufficient privileges',
    });
    expect(byId.get('b')).toEqual({
      id: 'b',
      type: 'softwareOath',
      status: 500,
      graphCode: 'generalException',
      graphRequestId: 'err-b',
    });
    expect(report.graphRequestIds).toEqual(expect.arrayContaining(['denied-a', 'err-b']));
  });

  it('tells the caller what to do when Graph keeps the default method', async () => {
    const { report } = await reset(
      [PASSWORD, oath('a'), oath('b')],
      (step) =>
        methodId(step) === 'b'
          ? {
              status: 400,
              body: graphError(
                'badRequest',
                'default-b',
                'Cannot delete default method with other methods configured',
              ),
            }
          : { status: 403, body: graphError('accessDenied', 'denied-a') },
      { relist: () => Promise.resolve([PASSWORD, oath('a'), oath('b')]) },
    );
    const failed = new Map(report.failed.map((failure) => [failure.id, failure]));
    expect(failed.get('b')).toMatchObject({ status: 400, hint: DEFAULT_METHOD_HINT });
    expect(failed.get('a')).not.toHaveProperty('hint');
  });

  it('keeps what the first round did when a retry round cannot be sent', async () => {
    let batches = 0;
    const stub = stubGraph((request: SentRequest) => {
      batches += 1;
      if (batches > 1) return Promise.resolve(json(500, graphError('generalException', 'batch-2')));
      const steps = (request.body as { requests: Step[] }).requests;
      const responses = steps.map((step) =>
        methodId(step) === 'a'
          ? { id: step.id, status: 204, headers: {} }
          : { id: step.id, status: 400, headers: {}, body: graphError('badRequest', 'refused-b') },
      );
      return Promise.resolve(json(200, { responses }));
    });
    const report = await withDeadline(actionDeadline(2_000), () =>
      resetMfa(
        {
          userPath: USER_PATH,
          methods: [PASSWORD, oath('a'), oath('b')],
          revokeSessions: false,
          dryRun: false,
        },
        {
          graph: stub.graph,
          clientRequestId: 'c',
          listMethods: () => Promise.resolve([PASSWORD, oath('b')]),
        },
      ),
    );
    expect(batches).toBe(2);
    expect(report).toMatchObject({ outcome: 'partial', removed: [{ id: 'a' }], remaining: [{ id: 'b' }] });
  });

  it('answers the first round’s failure itself', async () => {
    const stub = stubGraph(() => Promise.resolve(json(500, graphError('generalException', 'batch-1'))));
    await expect(
      withDeadline(actionDeadline(2_000), () =>
        resetMfa(
          { userPath: USER_PATH, methods: [PASSWORD, oath('a')], revokeSessions: false, dryRun: false },
          { graph: stub.graph, clientRequestId: 'c', listMethods: () => Promise.resolve([PASSWORD]) },
        ),
      ),
    ).rejects.toMatchObject({ code: 'graph_unavailable' });
  });

  it('removes only the types in scope and reports the others as kept', async () => {
    const email = { '@odata.type': '#microsoft.graph.emailAuthenticationMethod', id: 'm' };
    const stub = scriptedGraph(() => ({ status: 204 }));
    const report = await withDeadline(actionDeadline(2_000), () =>
      resetMfa(
        {
          userPath: USER_PATH,
          methods: [PASSWORD, oath('a'), email],
          methodTypes: new Set(['email'] as const),
          revokeSessions: false,
          dryRun: false,
        },
        {
          graph: stub.graph,
          clientRequestId: 'c',
          listMethods: () => Promise.resolve([PASSWORD, oath('a')]),
        },
      ),
    );
    expect(report).toMatchObject({
      outcome: 'complete',
      removed: [{ id: 'm', type: 'email' }],
      remaining: [],
    });
    expect(report.kept.map((kept) => kept.id)).toContain('a');
  });
});
