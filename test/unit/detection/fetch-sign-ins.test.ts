import { afterEach, describe, expect, it, vi } from 'vitest';

import { SIGN_IN_PAGE_SIZE, signInListPath, streamSignIns } from '../../../src/lib/detection/fetch-sign-ins';
import type { SignIn } from '../../../src/lib/detection/sign-in';
import { json, stubGraph } from '../graph/stub-graph';
import { signIn } from './sign-ins';

// The sign-in list request and its paging (docs/graph-calls.md, "List signIns").

afterEach(() => {
  vi.unstubAllGlobals();
});

const QUERY = {
  start: new Date('2026-11-24T12:00:00Z'),
  end: new Date('2026-11-25T11:58:00Z'),
  errorCodes: [500121, 50074.9],
};
const NEXT = 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=2';

describe('signInListPath', () => {
  it('filters the window with unquoted datetimes and whole error codes joined by or, at 1000 a page', () => {
    expect(SIGN_IN_PAGE_SIZE).toBe(1000);
    const path = signInListPath(QUERY);
    expect(path).toBe(
      `/auditLogs/signIns?$filter=${encodeURIComponent(
        'createdDateTime ge 2026-11-24T12:00:00.000Z and createdDateTime le 2026-11-25T11:58:00.000Z and (status/errorCode eq 500121 or status/errorCode eq 50074)',
      )}&$top=1000`,
    );
  });
});

describe('streamSignIns', () => {
  const stream = async (pages: unknown[], options: { deadline?: number; now?: () => number } = {}) => {
    const graph = stubGraph((_request) => Promise.resolve(json(200, pages[graph.sent.length - 1])));
    const seen: SignIn[] = [];
    let malformed = 0;
    const result = await streamSignIns(graph.graph, QUERY, {
      origin: graph.origin,
      deadline: options.deadline ?? Number.POSITIVE_INFINITY,
      ...(options.now ? { now: options.now } : {}),
      onSignIn: (event) => seen.push(event),
      onMalformed: () => (malformed += 1),
    });
    return { result, seen, malformed, sent: graph.sent, origin: graph.origin };
  };

  it('asks for the list once, then follows each nextLink on the Graph origin', async () => {
    const a = signIn();
    const b = signIn();
    const { result, seen, sent, origin } = await stream([
      { value: [a], '@odata.nextLink': NEXT },
      { value: [b] },
    ]);
    expect(result).toEqual({ pages: 2, complete: true });
    expect(seen.map((event) => event.id)).toEqual([a.id, b.id]);
    expect(sent.map((request) => request.url)).toEqual([`${origin}/v1.0${signInListPath(QUERY)}`, NEXT]);
  });

  it('counts a sign-in that fails the schema instead of passing it on', async () => {
    const { seen, malformed } = await stream([{ value: [{ id: 'x' }, signIn()] }]);
    expect(seen).toHaveLength(1);
    expect(malformed).toBe(1);
  });

  it('goes on without a malformed counter', async () => {
    const graph = stubGraph(() => Promise.resolve(json(200, { value: [{ id: 'x' }, signIn()] })));
    const seen: SignIn[] = [];
    const result = await streamSignIns(graph.graph, QUERY, {
      origin: graph.origin,
      deadline: Number.POSITIVE_INFINITY,
      onSignIn: (event) => seen.push(event),
    });
    expect(result).toEqual({ pages: 1, complete: true });
    expect(seen).toHaveLength(1);
  });

  it('requests no further page once the deadline has come', async () => {
    const { result, sent } = await stream([{ value: [signIn()], '@odata.nextLink': NEXT }, { value: [] }], {
      deadline: 1000,
      now: () => 1000,
    });
    expect(result).toEqual({ pages: 1, complete: false });
    expect(sent).toHaveLength(1);
  });

  it('reads the next page while time is left', async () => {
    const { result } = await stream([{ value: [], '@odata.nextLink': NEXT }, { value: [] }], {
      deadline: 1000,
      now: () => 999,
    });
    expect(result).toEqual({ pages: 2, complete: true });
  });

  it('is complete at the last page even past the deadline', async () => {
    const { result } = await stream([{ value: [] }], { deadline: 1000, now: () => 5000 });
    expect(result).toEqual({ pages: 1, complete: true });
  });

  it('uses the wall clock when given none', async () => {
    const { result } = await stream([{ value: [], '@odata.nextLink': NEXT }, { value: [] }], {
      deadline: Date.now() - 1,
    });
    expect(result).toEqual({ pages: 1, complete: false });
  });

  it('refuses a nextLink to another origin', async () => {
    await expect(
      stream([
        { value: [], '@odata.nextLink': 'https://graph.example.net/v1.0/auditLogs/signIns?$skiptoken=2' },
      ]),
    ).rejects.toThrow('outside the configured Graph origin');
  });
});
