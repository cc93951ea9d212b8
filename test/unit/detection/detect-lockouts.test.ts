import { afterEach, describe, expect, it, vi } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { detectLockouts, type DetectLockoutsDeps } from '../../../src/lib/detection/detect-lockouts';
import { signInListPath } from '../../../src/lib/detection/fetch-sign-ins';
import type { ScanState } from '../../../src/lib/detection/repositories';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';
import { memoryLockoutStore, memoryScanState, recorders } from './memory-stores';
import { signIn } from './sign-ins';

// One scan (detectLockouts) against a scripted sign-in list and in-memory tables: the window it
// reads, the state it leaves, and what a throttled, failing or unlicensed Graph does to it.

afterEach(() => {
  vi.unstubAllGlobals();
});

const NOW = new Date('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;
const LOCKED = '11111111-1111-4111-8111-111111111111';
const ATTACKED = '22222222-2222-4222-8222-222222222222';
const LICENCE_ERROR = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

/** The defaults: 135 min look-back, 2 min end offset, 24 h backfill, 30 days retention, thresholds 3 and 1. */
const settings = (env: Record<string, string> = {}) =>
  loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', ...env }).detection;

const lockouts = (userId: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    signIn({ userId, createdDateTime: `2026-11-25T10:0${i}:00Z`, userPrincipalName: 'adele@contoso.com' }),
  );

function rig(
  answer: (request: SentRequest, n: number) => Response,
  options: { state?: ScanState; env?: Record<string, string>; now?: () => Date } = {},
) {
  const graph = stubGraph((request) => Promise.resolve(answer(request, graph.sent.length - 1)));
  const scanState = memoryScanState(options.state);
  const table = memoryLockoutStore();
  const record = recorders();
  const asked: string[][] = [];
  const deps: DetectLockoutsDeps = {
    reportsGraph: graph.graph,
    graphOrigin: graph.origin,
    scanState: scanState.store,
    lockouts: table.store,
    lockoutEvents: record.lockoutEvents,
    notify: record.notify,
    settings: settings(options.env),
    protectedUsers: (ids) => {
      asked.push([...ids]);
      return Promise.resolve(new Set<string>());
    },
    now: options.now ?? (() => NOW),
  };
  return { deps, graph, scanState, table, ...record, asked };
}

const onePage = (items: unknown[]) => () => json(200, { value: items });
const failure = (status: number, code: string, headers: Record<string, string> = {}, message = 'refused') =>
  json(status, { error: { code, message } }, headers);

describe('detectLockouts', () => {
  it('backfills 24 h on the first run up to 2 min ago, flags users at the threshold and moves the watermark', async () => {
    const scan = rig(onePage([...lockouts(LOCKED, 3), ...lockouts(ATTACKED, 2)]));
    const report = await detectLockouts(scan.deps);
    const start = new Date(NOW.getTime() - 24 * HOUR);
    const end = new Date(NOW.getTime() - 2 * 60_000);
    expect(report).toMatchObject({
      outcome: 'complete',
      window: { start: start.toISOString(), end: end.toISOString() },
      pages: 1,
      events: 5,
      attempts: 5,
      malformed: 0,
      users: 2,
      opened: 1,
      reopened: 0,
      updated: 0,
      writes: 1,
      conflicts: 0,
    });
    expect(scan.graph.sent[0]?.url).toBe(
      `${scan.graph.origin}/v1.0${signInListPath({ start, end, errorCodes: [500121] })}`,
    );
    expect(scan.table.rows.get(LOCKED)).toMatchObject({ status: 'open', lockoutAttempts: 3 });
    expect(scan.table.rows.has(ATTACKED)).toBe(false);
    expect(scan.scanState.current()).toEqual({
      condition: 'ok',
      watermark: end.toISOString(),
      lastRunAt: NOW.toISOString(),
      lastOutcome: 'complete',
    });
    expect(scan.scanState.writes[0]?.etag).toBe('W/"0"');
    expect(scan.events.map((event) => [event.type, event.userId])).toEqual([['lockout.opened', LOCKED]]);
  });

  it('reads from the watermark less the look-back on later runs, and clears the last error', async () => {
    const watermark = '2026-11-25T11:00:00.000Z';
    const scan = rig(onePage([]), {
      state: { condition: 'ok', watermark, lastOutcome: 'failed', lastError: 'Graph 503' },
    });
    const report = await detectLockouts(scan.deps);
    expect(report.window.start).toBe(new Date(Date.parse(watermark) - 135 * 60_000).toISOString());
    expect(scan.scanState.current()).toEqual({
      condition: 'ok',
      watermark: new Date(NOW.getTime() - 2 * 60_000).toISOString(),
      lastRunAt: NOW.toISOString(),
      lastOutcome: 'complete',
    });
    expect(scan.notices).toEqual([]);
  });

  it('counts sign-ins that fail the schema as malformed and flags nothing for them', async () => {
    const scan = rig(onePage([{ id: 'x' }, ...lockouts(LOCKED, 1)]));
    const report = await detectLockouts(scan.deps);
    expect(report).toMatchObject({ events: 1, malformed: 1, users: 1, opened: 0 });
  });

  it('follows the next page and counts it', async () => {
    const next = 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=2';
    const scan = rig((_request, n) =>
      n === 0
        ? json(200, { value: lockouts(LOCKED, 2), '@odata.nextLink': next })
        : json(200, {
            value: lockouts(LOCKED, 1).map((event) => ({ ...event, id: 'late', correlationId: 'late' })),
          }),
    );
    const report = await detectLockouts(scan.deps);
    expect(report).toMatchObject({ outcome: 'complete', pages: 2, events: 3, opened: 1 });
    expect(scan.graph.sent[1]?.url).toBe(next);
  });

  it('stops paging when the time budget ends: flags what it read, keeps the watermark', async () => {
    let clock = NOW.getTime();
    const next = 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=2';
    const scan = rig(
      () => {
        clock += 240_000; // the default 240 s budget is used up by the first page
        return json(200, { value: lockouts(LOCKED, 3), '@odata.nextLink': next });
      },
      { state: { condition: 'ok', watermark: '2026-11-25T11:00:00.000Z' }, now: () => new Date(clock) },
    );
    const report = await detectLockouts(scan.deps);
    expect(report).toMatchObject({ outcome: 'incomplete', pages: 1, opened: 1 });
    expect(scan.graph.sent).toHaveLength(1);
    expect(scan.scanState.writes).toEqual([]);
    expect(scan.scanState.current().watermark).toBe('2026-11-25T11:00:00.000Z');
  });

  it('reads on while the budget lasts', async () => {
    let clock = NOW.getTime();
    const next = 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=2';
    const scan = rig(
      (_request, n) => {
        clock += 239_999;
        return n === 0 ? json(200, { value: [], '@odata.nextLink': next }) : json(200, { value: [] });
      },
      { now: () => new Date(clock) },
    );
    const report = await detectLockouts(scan.deps);
    expect(report).toMatchObject({ outcome: 'complete', pages: 2 });
  });

  it('is superseded when another run moved the state meanwhile', async () => {
    const scan = rig(() => {
      scan.scanState.bump();
      return json(200, { value: lockouts(LOCKED, 3) });
    });
    const report = await detectLockouts(scan.deps);
    expect(report).toMatchObject({ outcome: 'superseded', opened: 1 });
  });

  describe('a gap (watermark older than retention)', () => {
    const old = '2026-10-01T00:00:00.000Z';

    it('is announced, scanned from a minute inside retention, and shown as the condition', async () => {
      const scan = rig(onePage([]), { state: { condition: 'ok', watermark: old } });
      const report = await detectLockouts(scan.deps);
      const scannedFrom = new Date(NOW.getTime() - 30 * 24 * HOUR + 60_000).toISOString();
      expect(report.window.start).toBe(scannedFrom);
      expect(scan.notices).toEqual([
        { type: 'detection.gap', details: { watermark: old, scannedFrom, retentionMs: 30 * 24 * HOUR } },
      ]);
      expect(scan.scanState.current()).toMatchObject({
        condition: 'gap',
        conditionSince: NOW.toISOString(),
        lastOutcome: 'complete',
      });
    });

    it.each([
      ['stays visible for 24 h', 24 * HOUR, { condition: 'gap', conditionSince: '2026-11-24T12:00:00.000Z' }],
      ['clears after 24 h', 24 * HOUR + 1, { condition: 'ok' }],
    ])('%s', async (_name, age, expected) => {
      const since = new Date(NOW.getTime() - age).toISOString();
      const scan = rig(onePage([]), {
        state: { condition: 'gap', conditionSince: since, watermark: '2026-11-25T11:00:00.000Z' },
      });
      await detectLockouts(scan.deps);
      const state = scan.scanState.current();
      expect(state.condition).toBe(expected.condition);
      if (expected.condition === 'gap') expect(state.conditionSince).toBe(since);
      else expect(state).not.toHaveProperty('conditionSince');
      expect(scan.notices).toEqual([]);
    });

    it('clears a gap with no time recorded', async () => {
      const scan = rig(onePage([]), { state: { condition: 'gap', watermark: '2026-11-25T11:00:00.000Z' } });
      await detectLockouts(scan.deps);
      expect(scan.scanState.current().condition).toBe('ok');
    });
  });

  describe('Graph refusing for lack of a licence', () => {
    it('is announced once, recorded as the condition, and the watermark stays', async () => {
      const scan = rig(() => failure(403, LICENCE_ERROR), {
        state: { condition: 'ok', watermark: '2026-11-25T11:00:00.000Z' },
      });
      const report = await detectLockouts(scan.deps);
      expect(report.outcome).toBe('unlicensed');
      expect(scan.notices).toEqual([{ type: 'detection.unlicensed', details: { graphCode: LICENCE_ERROR } }]);
      expect(scan.scanState.current()).toEqual({
        condition: 'unlicensed',
        conditionSince: NOW.toISOString(),
        lastOutcome: 'unlicensed',
        lastRunAt: NOW.toISOString(),
        watermark: '2026-11-25T11:00:00.000Z',
      });
      expect(scan.scanState.writes[0]?.etag).toBe('W/"0"');
    });

    it('is not announced again, and keeps when it began', async () => {
      const since = '2026-11-20T00:00:00.000Z';
      const scan = rig(() => failure(403, LICENCE_ERROR), {
        state: { condition: 'unlicensed', conditionSince: since },
      });
      await detectLockouts(scan.deps);
      expect(scan.notices).toEqual([]);
      expect(scan.scanState.current()).toMatchObject({ condition: 'unlicensed', conditionSince: since });
    });

    it('is recognised in the message of another code too', async () => {
      const scan = rig(() =>
        failure(403, 'Authorization_RequestDenied', {}, `Neither tenant is B2C: ${LICENCE_ERROR}`),
      );
      expect((await detectLockouts(scan.deps)).outcome).toBe('unlicensed');
    });

    it('clears once Graph answers again', async () => {
      const scan = rig(onePage([]), {
        state: { condition: 'unlicensed', conditionSince: '2026-11-20T00:00:00.000Z' },
      });
      await detectLockouts(scan.deps);
      expect(scan.scanState.current().condition).toBe('ok');
      expect(scan.scanState.current()).not.toHaveProperty('conditionSince');
    });
  });

  describe('an outage', () => {
    it.each([
      [429, 'TooManyRequests', { 'retry-after': '120' }, 'Graph 429 TooManyRequests retry-after=120'],
      [500, 'generalException', {}, 'Graph 500 generalException'],
    ])(
      '(%i) stops cleanly: nothing written, the watermark stays, the error recorded',
      async (status, code, headers, lastError) => {
        const watermark = '2026-11-25T11:00:00.000Z';
        const scan = rig(() => failure(status, code, headers), {
          state: { condition: 'gap', conditionSince: '2026-11-25T00:00:00.000Z', watermark },
        });
        const report = await detectLockouts(scan.deps);
        expect(report.outcome).toBe('failed');
        expect(scan.scanState.current()).toEqual({
          condition: 'gap',
          conditionSince: '2026-11-25T00:00:00.000Z',
          watermark,
          lastRunAt: NOW.toISOString(),
          lastOutcome: 'failed',
          lastError,
        });
        expect(scan.scanState.writes[0]?.etag).toBe('W/"0"');
        expect(scan.notices).toEqual([]);
      },
    );

    it('is not how another refusal ends: a 403 without the licence error is thrown', async () => {
      const scan = rig(() => failure(403, 'Authorization_RequestDenied'));
      await expect(detectLockouts(scan.deps)).rejects.toMatchObject({ statusCode: 403 });
      expect(scan.scanState.writes).toEqual([]);
    });

    it('is not how a 400 ends either', async () => {
      const scan = rig(() => failure(400, LICENCE_ERROR));
      await expect(detectLockouts(scan.deps)).rejects.toMatchObject({ statusCode: 400 });
    });
  });
});
