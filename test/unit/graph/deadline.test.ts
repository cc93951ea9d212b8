import { afterEach, describe, expect, it, vi } from 'vitest';

import { actionDeadline, withDeadline } from '../../../src/lib/deadline';
import { createTap } from '../../../src/lib/graph/tap';
import { appErrorOf } from '../../support/app-error';
import { json, stubGraph } from './stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

const PASS = {
  id: 'tap-1',
  temporaryAccessPass: 'secret-pass',
  createdDateTime: '2026-12-05T12:00:00Z',
  startDateTime: '2026-12-05T12:00:00Z',
  lifetimeInMinutes: 60,
  isUsableOnce: true,
};
const create = (graph: Parameters<typeof createTap>[0]) =>
  createTap(graph, '/users/u1', { lifetimeInMinutes: 60, isUsableOnce: true }, 'c');

describe('the action deadline on Graph requests', () => {
  it('sends nothing once the deadline has passed, and says so (not unknown)', async () => {
    const { graph, sent } = stubGraph(() => Promise.resolve(json(201, PASS)));
    const error = await appErrorOf(withDeadline(actionDeadline(0), () => create(graph)));
    expect(error.code).toBe('time_budget_exceeded');
    expect(error.options.effectUnknown).toBeUndefined();
    expect(sent).toHaveLength(0);
  });

  it('aborts a request still in flight at the deadline, its effect unknown', async () => {
    const { graph, sent } = stubGraph(
      (_request, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason as Error)),
        ),
    );
    const error = await appErrorOf(withDeadline(actionDeadline(300), () => create(graph)));
    expect(error.code).toBe('time_budget_exceeded');
    expect(error.options.effectUnknown).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('does not retry a throttled request whose Retry-After ends past the deadline, and passes it on', async () => {
    const { graph, sent } = stubGraph(() =>
      Promise.resolve(json(429, { error: { code: 'TooManyRequests' } }, { 'retry-after': '5' })),
    );
    const error = await appErrorOf(withDeadline(actionDeadline(3000), () => create(graph)));
    expect(error.code).toBe('graph_throttled');
    expect(error.options.retryAfterSeconds).toBe(5);
    expect(sent).toHaveLength(1);
  });

  it('retries a throttled request whose wait fits in the deadline', async () => {
    let calls = 0;
    const { graph, sent } = stubGraph(() =>
      Promise.resolve(
        (calls += 1) === 1
          ? json(429, { error: { code: 'TooManyRequests' } }, { 'retry-after': '1' })
          : json(201, PASS),
      ),
    );
    const tap = await withDeadline(actionDeadline(20_000), () => create(graph));
    expect(tap.id).toBe('tap-1');
    expect(sent).toHaveLength(2);
  });

  it('never re-sends a POST that timed out at the gateway: it may have created a pass', async () => {
    const { graph, sent } = stubGraph(() =>
      Promise.resolve(json(504, { error: { code: 'GatewayTimeout' } })),
    );
    const error = await appErrorOf(withDeadline(actionDeadline(20_000), () => create(graph)));
    expect(error.options.effectUnknown).toBe(true);
    expect(sent).toHaveLength(1);
  });
});
