import { afterEach, describe, expect, it, vi } from 'vitest';

import { actionDeadline, withDeadline } from '../../../src/lib/deadline';
import { sendSteps, stepRetryAfter } from '../../../src/lib/graph/batch';
import { readAllItems, UnusablePageError } from '../../../src/lib/graph/paged-reader';
import { json, type SentRequest, stubGraph } from './stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

type Step = { id: string; method: string; body?: unknown; headers?: Record<string, string> };
const stepsOf = (request: SentRequest) => (request.body as { requests: Step[] }).requests;
const answers = (...responses: { id: string; status: number; headers?: Record<string, string> }[]) =>
  json(200, { responses });

describe('sendSteps', () => {
  it('gives every POST and PATCH step a body and a Content-Type, as Graph requires of a batch', async () => {
    const { graph, sent } = stubGraph((request) =>
      Promise.resolve(answers(...stepsOf(request).map((step) => ({ id: step.id, status: 204 })))),
    );
    await sendSteps(
      graph,
      [
        { id: 'revoke', method: 'POST', url: '/users/u1/revokeSignInSessions' },
        { id: 'delete', method: 'DELETE', url: '/users/u1/authentication/fido2Methods/m1' },
        { id: 'read', method: 'GET', url: '/users/u1' },
      ],
      { clientRequestId: 'c' },
    );
    const steps = stepsOf(sent[0]!);
    expect(steps.find((step) => step.id === 'revoke')).toMatchObject({
      body: {},
      headers: { 'Content-Type': 'application/json' },
    });
    // GET and DELETE go bare, as the JSON batching page's own example sends them.
    expect(steps.find((step) => step.id === 'delete')).not.toHaveProperty('body');
    expect(steps.find((step) => step.id === 'read')).not.toHaveProperty('body');
  });

  it('re-sends a step Graph throttled inside the batch after its Retry-After', async () => {
    let round = 0;
    const { graph, sent } = stubGraph((request) => {
      round += 1;
      const status = round === 1 ? 429 : 204;
      return Promise.resolve(
        answers(
          ...stepsOf(request).map((step) => ({ id: step.id, status, headers: { 'Retry-After': '1' } })),
        ),
      );
    });
    const results = await withDeadline(actionDeadline(20_000), () =>
      sendSteps(graph, [{ id: 'd', method: 'DELETE', url: '/users/u1/authentication/fido2Methods/m1' }], {
        clientRequestId: 'c',
      }),
    );
    expect(results.get('d')?.status).toBe(204);
    expect(sent).toHaveLength(2);
  });

  it('leaves a throttled step as is when its Retry-After ends past the deadline, keeping the wait', async () => {
    const { graph, sent } = stubGraph((request) =>
      Promise.resolve(
        answers(
          ...stepsOf(request).map((step) => ({ id: step.id, status: 429, headers: { 'Retry-After': '30' } })),
        ),
      ),
    );
    const results = await withDeadline(actionDeadline(20_000), () =>
      sendSteps(graph, [{ id: 'd', method: 'DELETE', url: '/users/u1/authentication/fido2Methods/m1' }], {
        clientRequestId: 'c',
      }),
    );
    expect(results.get('d')?.status).toBe(429);
    expect(stepRetryAfter(results.get('d')!)).toBe(30);
    expect(sent).toHaveLength(1);
  });
});

describe('readAllItems', () => {
  it('follows nextLink on the configured origin and keeps each page’s request-id', async () => {
    const { graph, sent, origin } = stubGraph(() =>
      Promise.resolve(json(200, { value: [3] }, { 'request-id': 'page-2' })),
    );
    const requestIds: string[] = [];
    const items = await readAllItems(
      { graph, graphOrigin: origin, clientRequestId: 'c', requestIds },
      { value: [1, 2], '@odata.nextLink': `${origin}/v1.0/users/u1/transitiveMemberOf?$skiptoken=x` },
      { what: 'The list' },
    );
    expect(items).toEqual([1, 2, 3]);
    expect(requestIds).toEqual(['page-2']);
    expect(sent.map((request) => request.url)).toEqual([
      `${origin}/v1.0/users/u1/transitiveMemberOf?$skiptoken=x`,
    ]);
  });

  it('refuses a nextLink to another origin without sending anything there', async () => {
    const { graph, sent, origin } = stubGraph(() => Promise.resolve(json(200, { value: [] })));
    const reading = readAllItems(
      { graph, graphOrigin: origin, clientRequestId: 'c' },
      { value: [1], '@odata.nextLink': 'https://attacker.example/v1.0/users?$skiptoken=x' },
      { what: 'The list' },
    );
    await expect(reading).rejects.toBeInstanceOf(UnusablePageError);
    expect(sent).toHaveLength(0);
  });
});
