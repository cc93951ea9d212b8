import type { TokenCredential } from '@azure/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { getUser } from '../../../src/lib/graph/users';
import { AppError } from '../../../src/lib/http/problem';
import { json, stubGraph } from './stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** One second: the smallest GRAPH_REQUEST_TIMEOUT_SECONDS. */
const ONE_SECOND = { GRAPH_REQUEST_TIMEOUT_SECONDS: '1' };
const USER = { id: '9a3c1f7e-2b4d-4e6f-8a1b-3c5d7e9f1a2b', userPrincipalName: 'a@contoso.example' };
const read = (graph: Parameters<typeof getUser>[0]) => getUser(graph, { kind: 'id', id: USER.id }, 'c');

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const hangs = (_request: unknown, signal: AbortSignal | undefined) =>
  new Promise<Response>((_resolve, reject) =>
    signal?.addEventListener('abort', () => reject(signal.reason as Error)),
  );

describe('Graph calls outside an action (timers, reads)', () => {
  it('abort a request Graph never answers after GRAPH_REQUEST_TIMEOUT_SECONDS', async () => {
    const { graph, sent } = stubGraph(hangs, { settings: ONE_SECOND });
    const error = await failure(read(graph));
    expect(error.code).toBe('time_budget_exceeded');
    expect(sent).toHaveLength(1);
  });

  it('still get an answer that comes in time', async () => {
    const { graph } = stubGraph(() => Promise.resolve(json(200, USER)), { settings: ONE_SECOND });
    await expect(read(graph)).resolves.toMatchObject({ id: USER.id });
  });

  it('give up on a token request the identity endpoint never answers, sending nothing to Graph', async () => {
    const credential: TokenCredential = { getToken: () => new Promise(() => undefined) };
    const { graph, sent } = stubGraph(() => Promise.resolve(json(200, USER)), {
      settings: ONE_SECOND,
      credential,
    });
    const error = await failure(read(graph));
    expect(error.code).toBe('identity_unavailable');
    expect(sent).toHaveLength(0);
  });
});
