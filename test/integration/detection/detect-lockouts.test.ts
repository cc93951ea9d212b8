import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import { beforeEach, describe, expect, it } from 'vitest';

import type { SignInInput } from '../../../local/graph/sign-in-store';
import { detectLockouts } from '../../../src/lib/detection/detect-lockouts';
import { demoSeed, demoSeedUser } from '../../support/demo-tenant';
import { useGraphSimulator } from '../../support/graph-fixture';
import { useAzurite } from '../storage/azurite-fixture';
import { detectionRig } from './detection-fixture';

// The sign-in scan against the Graph simulator and Azurite: backfill, incremental runs,
// late events, overlapping runs, throttling, failures, queue messages, classification.

const graph = useGraphSimulator({ resetAfterEach: true });
const storage = useAzurite();

beforeEach(() => {
  graph.simulator.setReportsThrottling({ enabled: false });
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const TIMED_OUT = 'MFA denied; user did not respond to mobile app notification';
const DECLINED = 'MFA denied; user declined the authentication';

function failures(
  userId: string,
  count: number,
  options: { at?: number; details?: string } = {},
): SignInInput[] {
  return Array.from({ length: count }, (_, index) => ({
    userId,
    userPrincipalName: `${userId.slice(0, 8)}@contoso.com`,
    createdDateTime: minutesAgo((options.at ?? 30) + index),
    status: { errorCode: 500121, additionalDetails: options.details ?? TIMED_OUT },
  }));
}

describe('detectLockouts', () => {
  it('backfills on the first run: flags users at the threshold, not below, and moves the watermark', async () => {
    const rig = await detectionRig(graph, storage);
    const locked = randomUUID();
    const almost = randomUUID();
    const old = randomUUID();
    graph.simulator.addSignIns([
      ...failures(locked, 3, { at: 20 * 60 }),
      ...failures(almost, 2),
      ...failures(old, 3, { at: 25 * 60 }),
    ]);
    const report = await detectLockouts(rig.deps);
    expect(report.outcome).toBe('complete');
    expect(await rig.deps.lockouts.get(locked)).toMatchObject({
      status: 'open',
      category: 'lockout',
      lockoutAttempts: 3,
    });
    expect(await rig.deps.lockouts.get(almost)).toBeUndefined();
    expect(await rig.deps.lockouts.get(old)).toBeUndefined(); // outside the 24 h backfill
    const state = await rig.deps.scanState.read();
    expect(new Date(state.watermark ?? 0).getTime()).toBeCloseTo(Date.now() - 2 * 60_000, -4);
  });

  it('asks Graph for the window and codes server-side, with the biggest page', async () => {
    const rig = await detectionRig(graph, storage, { DETECT_LOCKOUTS_ERROR_CODES: '500121,50074' });
    await detectLockouts(rig.deps);
    const request = graph.simulator.requests().find((entry) => entry.path.endsWith('/auditLogs/signIns'));
    const query = new URLSearchParams(request?.query ?? '');
    expect(query.get('$top')).toBe('1000');
    expect(query.get('$filter')).toMatch(
      /^createdDateTime ge \S+Z and createdDateTime le \S+Z and \(status\/errorCode eq 500121 or status\/errorCode eq 50074\)$/,
    );
  });

  it('counts only new attempts on an incremental run, and a run with nothing new writes nothing', async () => {
    const rig = await detectionRig(graph, storage);
    const user = randomUUID();
    graph.simulator.addSignIns(failures(user, 3, { at: 40 }));
    expect((await detectLockouts(rig.deps)).opened).toBe(1);
    graph.simulator.addSignIns(failures(user, 2, { at: 5 }));
    const second = await detectLockouts(rig.deps);
    expect(second).toMatchObject({ opened: 0, updated: 1, writes: 1 });
    expect((await rig.deps.lockouts.get(user))?.lockoutAttempts).toBe(5);
    const third = await detectLockouts(rig.deps);
    expect(third).toMatchObject({ writes: 0, opened: 0, updated: 0 });
    expect(third.events).toBeGreaterThan(0); // the look-back was read again
    expect(await rig.messages()).toHaveLength(1);
  });

  it('flags a late event inside the look-back exactly once', async () => {
    const rig = await detectionRig(graph, storage, { DETECT_LOCKOUTS_LOCKOUT_THRESHOLD: '1' });
    const user = randomUUID();
    const [late] = failures(user, 1, { at: 110 });
    graph.simulator.addSignIns([{ ...late, visibleAfter: new Date(Date.now() + 1500).toISOString() }]);
    expect((await detectLockouts(rig.deps)).opened).toBe(0);
    await delay(1600);
    expect((await detectLockouts(rig.deps)).opened).toBe(1);
    expect((await detectLockouts(rig.deps)).writes).toBe(0);
    expect((await rig.deps.lockouts.get(user))?.lockoutAttempts).toBe(1);
    expect(await rig.messages()).toHaveLength(1);
  });

  it('counts events sharing a correlation id once', async () => {
    const rig = await detectionRig(graph, storage);
    const user = randomUUID();
    const events = failures(user, 3).map((event) => ({ ...event, correlationId: 'one-sign-in' }));
    graph.simulator.addSignIns([...events, ...failures(user, 1, { at: 50 })]);
    await detectLockouts(rig.deps);
    expect(await rig.deps.lockouts.get(user)).toBeUndefined(); // 2 attempts (1 + 1), not 4
    graph.simulator.addSignIns(failures(user, 1, { at: 45 }));
    await detectLockouts(rig.deps);
    expect((await rig.deps.lockouts.get(user))?.lockoutAttempts).toBe(3);
  });

  it('two overlapping scans count nothing twice, and one of them moves the watermark', async () => {
    const rig = await detectionRig(graph, storage);
    const users = Array.from({ length: 20 }, () => randomUUID());
    graph.simulator.addSignIns(users.flatMap((user) => failures(user, 4)));
    const reports = await Promise.all([detectLockouts(rig.deps), detectLockouts(rig.deps)]);
    expect(reports.map((report) => report.outcome).sort()).toEqual(['complete', 'superseded']);
    for (const user of users) expect((await rig.deps.lockouts.get(user))?.lockoutAttempts).toBe(4);
    const messages = await rig.messages();
    expect(new Set(messages.map((message) => message.eventId)).size).toBe(users.length);
  });

  it('puts one message on the queue per newly opened flag, none for updates', async () => {
    const rig = await detectionRig(graph, storage);
    const first = randomUUID();
    const second = randomUUID();
    graph.simulator.addSignIns([...failures(first, 3), ...failures(second, 1, { details: DECLINED })]);
    await detectLockouts(rig.deps);
    graph.simulator.addSignIns(failures(first, 2, { at: 3 }));
    await detectLockouts(rig.deps);
    const messages = await rig.messages();
    expect(messages.map((message) => [message.userId, message.type, message.category]).sort()).toEqual(
      [
        [first, 'lockout.opened', 'lockout'],
        [second, 'lockout.opened', 'suspected_attack'],
      ].sort(),
    );
    expect(messages[0]).toMatchObject({ schemaVersion: 1, eventId: expect.any(String) as unknown });
  });

  it('never categorises attack events as a lockout', async () => {
    const rig = await detectionRig(graph, storage);
    const user = randomUUID();
    graph.simulator.addSignIns([
      ...failures(user, 3),
      ...failures(user, 1, { at: 60, details: 'MFA denied; Phone App Reported Fraud' }),
    ]);
    await detectLockouts(rig.deps);
    const flag = await rig.deps.lockouts.get(user);
    expect(flag).toMatchObject({ category: 'suspected_attack', attackAttempts: 1, lockoutAttempts: 3 });
    expect(rig.notices).toEqual([
      expect.objectContaining({ type: 'security.mfa_attack_suspected', targetId: user }),
    ]);
    expect((await rig.deps.lockouts.list({ category: 'lockout' })).lockouts).toHaveLength(0);
  });

  it('re-opens a resolved flag on new failures after the resolution, with a new message', async () => {
    const rig = await detectionRig(graph, storage);
    const user = randomUUID();
    graph.simulator.addSignIns(failures(user, 3, { at: 60 }));
    await detectLockouts(rig.deps);
    const flag = await rig.deps.lockouts.get(user);
    if (!flag) throw new Error('not flagged');
    await rig.deps.lockouts.put({ ...flag, status: 'resolved', resolvedAt: minutesAgo(20) }, flag.etag);
    graph.simulator.addSignIns(failures(user, 3, { at: 5 }));
    expect((await detectLockouts(rig.deps)).reopened).toBe(1);
    expect((await rig.messages()).map((message) => message.type)).toEqual([
      'lockout.opened',
      'lockout.reopened',
    ]);
  });

  /** 3,500 failures (4 pages) behind Graph's reports limit, tightened to 2 requests a second. */
  const fourPagesUnderThrottling = () => {
    graph.simulator.generateSignIns({
      count: 3500,
      users: 50,
      errorCodes: [500121],
      since: minutesAgo(600),
      until: minutesAgo(10),
    });
    graph.simulator.setReportsThrottling({ enabled: true, requests: 2, windowMs: 1000 });
  };

  it('pages through throttled responses: waits as told and carries on', async () => {
    const rig = await detectionRig(graph, storage);
    fourPagesUnderThrottling();
    const report = await detectLockouts(rig.deps);
    expect(report.outcome).toBe('complete');
    expect(report.events).toBe(3500);
    expect(report.pages).toBe(4);
    const statuses = graph.simulator
      .requests()
      .filter((entry) => entry.path.endsWith('/auditLogs/signIns'))
      .map((entry) => entry.status);
    expect(statuses).toContain(429);
  });

  it('paces itself under the reports limit so Graph never has to throttle', async () => {
    const rig = await detectionRig(graph, storage, {
      REPORTS_REQUESTS_PER_WINDOW: '2',
      REPORTS_WINDOW_SECONDS: '2',
    });
    fourPagesUnderThrottling();
    const report = await detectLockouts(rig.deps);
    expect(report).toMatchObject({ outcome: 'complete', pages: 4 });
    const signInStatuses = graph.simulator
      .requests()
      .filter((entry) => entry.path.endsWith('/auditLogs/signIns'))
      .map((entry) => entry.status);
    expect(signInStatuses).toHaveLength(4);
    expect(signInStatuses).not.toContain(429);
  });

  it('leaves the watermark where it was when a page fails mid-scan', async () => {
    const rig = await detectionRig(graph, storage, { GRAPH_MAX_RETRIES: '1' });
    graph.simulator.addSignIns(failures(randomUUID(), 3, { at: 200 }));
    await detectLockouts(rig.deps);
    const before = await rig.deps.scanState.read();
    graph.simulator.generateSignIns({
      count: 2500,
      users: 10,
      errorCodes: [500121],
      since: minutesAgo(100),
      until: minutesAgo(5),
    });
    graph.simulator.clearRequests();
    // The clock is read at the start and at the end of each page: the first page is served, then
    // every request fails.
    let reads = 0;
    const failing = detectLockouts({
      ...rig.deps,
      now: () => {
        reads += 1;
        if (reads === 2) graph.simulator.injectFault({ path: 'auditLogs/signIns', status: 503, count: 100 });
        return new Date();
      },
    });
    expect((await failing).outcome).toBe('failed');
    const statuses = graph.simulator.requests().map((entry) => entry.status);
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1)).toContain(503);
    const after = await rig.deps.scanState.read();
    expect(after.watermark).toBe(before.watermark);
  });

  it('stops cleanly, without waiting, when Graph asks for a longer wait than the retry handler allows', async () => {
    const rig = await detectionRig(graph, storage);
    graph.simulator.addSignIns(failures(randomUUID(), 3));
    graph.simulator.injectFault({ path: 'auditLogs/signIns', status: 429, retryAfter: 300, count: 10 });
    const report = await detectLockouts(rig.deps);
    expect(report.outcome).toBe('failed');
    // One request, answered 429: nothing was re-sent after the 300 s Graph asked for.
    const signInReads = graph.simulator
      .requests()
      .filter((entry) => entry.path.includes('auditLogs/signIns'));
    expect(signInReads.map((entry) => entry.status)).toEqual([429]);
    const state = await rig.deps.scanState.read();
    expect(state).toMatchObject({
      lastOutcome: 'failed',
      lastError: expect.stringContaining('429') as unknown,
    });
    expect(state.watermark).toBeUndefined();
    expect(await rig.messages()).toHaveLength(0);
  });

  it('stops cleanly at the time budget, leaving the watermark', async () => {
    const rig = await detectionRig(graph, storage);
    graph.simulator.generateSignIns({
      count: 2500,
      users: 10,
      errorCodes: [500121],
      since: minutesAgo(600),
      until: minutesAgo(5),
    });
    let now = Date.now();
    const report = await detectLockouts({
      ...rig.deps,
      now: () => {
        now += 150_000; // every look at the clock spends 150 s of the 240 s budget
        return new Date(now);
      },
    });
    expect(report.outcome).toBe('incomplete');
    expect(report.pages).toBe(2);
    expect((await rig.deps.scanState.read()).watermark).toBeUndefined();
  });

  it('refuses a nextLink to another origin', async () => {
    const rig = await detectionRig(graph, storage, { GRAPH_MAX_RETRIES: '1' });
    graph.simulator.generateSignIns({
      count: 1500,
      users: 5,
      errorCodes: [500121],
      since: minutesAgo(600),
      until: minutesAgo(5),
    });
    await expect(detectLockouts({ ...rig.deps, graphOrigin: 'https://graph.microsoft.com' })).rejects.toThrow(
      /nextLink outside/,
    );
    expect((await rig.deps.scanState.read()).watermark).toBeUndefined();
  });

  it('reports a tenant without P1 as unlicensed, once', async () => {
    const rig = await detectionRig(graph, storage);
    graph.simulator.reset({ ...demoSeed(), licences: { p1: false, p2: false } });
    expect((await detectLockouts(rig.deps)).outcome).toBe('unlicensed');
    expect((await detectLockouts(rig.deps)).outcome).toBe('unlicensed');
    expect(rig.notices.map((notice) => notice.type)).toEqual(['detection.unlicensed']);
    expect((await rig.deps.scanState.read()).condition).toBe('unlicensed');
  });

  it('emits detection.gap when the watermark is older than retention', async () => {
    const rig = await detectionRig(graph, storage, { DETECT_LOCKOUTS_RETENTION_DAYS: '7' });
    await rig.deps.scanState.write({ condition: 'ok', watermark: minutesAgo(8 * 24 * 60) }, undefined);
    await detectLockouts(rig.deps);
    expect(rig.notices.map((notice) => notice.type)).toEqual(['detection.gap']);
    expect((await rig.deps.scanState.read()).condition).toBe('gap');
  });

  it('flags privileged and break-glass users too, marked protected', async () => {
    const admin = demoSeedUser('globalAdministrator');
    const ordinary = demoSeedUser('ordinaryUser');
    const breakGlass = randomUUID();
    const rig = await detectionRig(graph, storage, { BREAK_GLASS_OBJECT_IDS: breakGlass });
    graph.simulator.addSignIns([
      ...failures(admin.id, 3),
      ...failures(ordinary.id, 3),
      ...failures(breakGlass, 3),
    ]);
    await detectLockouts(rig.deps);
    expect((await rig.deps.lockouts.get(admin.id))?.protected).toBe(true);
    expect((await rig.deps.lockouts.get(breakGlass))?.protected).toBe(true);
    expect((await rig.deps.lockouts.get(ordinary.id))?.protected).toBe(false);
    expect((await rig.messages()).filter((message) => message.protected)).toHaveLength(2);
  });

  it('marks a user protected when the role check fails (fails closed)', async () => {
    const rig = await detectionRig(graph, storage);
    const user = randomUUID();
    graph.simulator.addSignIns(failures(user, 3));
    graph.simulator.injectFault({ path: '\\$batch', status: 403, count: 10 });
    await detectLockouts(rig.deps);
    expect((await rig.deps.lockouts.get(user))?.protected).toBe(true);
  });
});
