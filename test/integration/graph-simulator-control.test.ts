import { describe, expect, it } from 'vitest';

import type { TenantSeed } from '../../local/graph';
import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { simulatorCall, type SimulatorRequest, useGraphSimulator } from '../support/graph-fixture';

// Fault injection, the request log, reset and the /_sim/ control API (in-process and over HTTPS).

const seed = demoSeed();
const ordinary = demoSeedUser('ordinaryUser');
const methodsPath = `/v1.0/users/${ordinary.id}/authentication/methods`;
/** The demo seed cut down to the given users (groups, roles, PIM rows and demo parts refer to the others). */
const seedWithUsers = (users: TenantSeed['users']): TenantSeed => ({
  ...seed,
  users,
  groups: [],
  directoryRoles: [],
  roleEligibilities: [],
  roleAssignments: [],
  groupEligibilities: [],
  demo: {},
});

const fixture = useGraphSimulator({ resetAfterEach: true });

const call = (url: string, init?: SimulatorRequest) => simulatorCall(fixture, url, init);

describe('fault injection', () => {
  it("throttles the next matching request with 429, Retry-After and Graph's throttling body, then serves normally", async () => {
    fixture.simulator.injectFault({
      method: 'GET',
      path: '/authentication/methods$',
      status: 429,
      retryAfter: 7,
    });
    const throttled = await call(methodsPath);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(throttled.headers.get('content-type')).toBe('application/json');
    expect(throttled.body).toMatchObject({
      error: {
        code: 'TooManyRequests',
        message: 'Please retry again later.',
        innerError: { code: '429', status: '429', message: 'Please retry after' },
      },
    });
    expect((await call(methodsPath)).status).toBe(200);
    expect(fixture.simulator.faults()).toEqual([]);
  });

  it('fails exactly `count` matching requests, and only those matching method and path', async () => {
    fixture.simulator.injectFault({
      method: 'GET',
      path: '^/v1\\.0/users/[^/]+/authentication/methods$',
      status: 503,
      count: 2,
    });
    expect((await call(`/v1.0/users/${ordinary.id}`)).status).toBe(200);
    expect((await call(methodsPath.replace('/v1.0/', '/beta/'))).status).toBe(200);
    const first = await call(methodsPath);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ error: { code: 'serviceNotAvailable' } });
    expect((await call(methodsPath)).status).toBe(503);
    expect((await call(methodsPath)).status).toBe(200);
  });

  it('answers with a custom body when one is given', async () => {
    const body = { error: { code: 'badRequest', message: 'Cannot delete default method.' } };
    fixture.simulator.injectFault({ path: '/authentication/methods$', status: 400, body });
    expect(await call(methodsPath)).toMatchObject({ status: 400, body });
  });

  it('adds latency before handling the request normally', async () => {
    fixture.simulator.injectFault({ path: '/authentication/methods$', latencyMs: 150 });
    const started = performance.now();
    const reply = await call(methodsPath);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(reply.status).toBe(200);
  });

  it('checks the token before injecting: an unauthenticated request gets 401 and leaves the fault queued', async () => {
    fixture.simulator.injectFault({ path: '/authentication/methods$', status: 500 });
    expect((await call(methodsPath, { auth: false })).status).toBe(401);
    expect(fixture.simulator.faults()).toHaveLength(1);
    expect((await call(methodsPath)).status).toBe(500);
  });

  it('refuses an invalid fault', () => {
    expect(() => fixture.simulator.injectFault({ path: '(', status: 500 })).toThrow(/regular expression/);
    expect(() => fixture.simulator.injectFault({ path: 'x' })).toThrow(/status, a latencyMs, or both/);
  });
});

describe('request log', () => {
  it('records each Graph request with method, path, query, status, route and time', async () => {
    await call(`/v1.0/users/${ordinary.id}?$select=displayName`);
    await call('/v1.0/users/nobody@contoso.onmicrosoft.com');
    const log = fixture.simulator.requests();
    expect(log).toEqual([
      expect.objectContaining({
        seq: 1,
        method: 'GET',
        path: `/v1.0/users/${ordinary.id}`,
        query: '$select=displayName',
        status: 200,
        route: 'GET /users/{user-id}',
        inBatch: false,
      }),
      expect.objectContaining({ seq: 2, status: 404, inBatch: false }),
    ]);
    expect(Date.parse(log[0]?.time ?? '')).not.toBeNaN();
  });

  it('is cleared on request and does not record control calls', async () => {
    await call(methodsPath);
    fixture.simulator.clearRequests();
    await call('/_sim/state', { auth: false });
    expect(fixture.simulator.requests()).toEqual([]);
  });
});

describe('state and reset', () => {
  it('resets to the starting seed, or to a given one', () => {
    fixture.simulator.reset(seedWithUsers([ordinary]));
    expect(fixture.simulator.state().users).toHaveLength(1);
    fixture.simulator.reset();
    expect(fixture.simulator.state().users).toHaveLength(seed.users.length);
  });

  it('refuses an invalid seed with every problem listed', () => {
    const broken = seedWithUsers([{ ...ordinary, id: 'not-a-guid', userType: 'Robot' as 'Member' }]);
    expect(() => fixture.simulator.reset(broken)).toThrow(/users\.0\.id[\s\S]*users\.0\.userType/);
  });

  it('rejects seeds that break Entra rules (alternateMobile without mobile, unknown role members)', () => {
    const alternate = {
      type: 'phone' as const,
      id: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
      phoneNumber: '+1 4255550100',
      phoneType: 'alternateMobile' as const,
    };
    expect(() =>
      fixture.simulator.reset(seedWithUsers([{ ...ordinary, authenticationMethods: [alternate] }])),
    ).toThrow(/alternateMobile phone needs a mobile/);
    const mobileWithWrongId = { ...alternate, phoneType: 'mobile' as const };
    expect(() =>
      fixture.simulator.reset(seedWithUsers([{ ...ordinary, authenticationMethods: [mobileWithWrongId] }])),
    ).toThrow(/fixed by its phoneType/);
    const role = {
      id: '11f8ce35-b5d2-4967-957a-e3b8843ae131',
      roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
      displayName: 'Global Administrator',
    };
    const stranger = '585802cb-cf80-4fbe-9aaf-5de382e968a9';
    expect(() =>
      fixture.simulator.reset({
        ...seedWithUsers([ordinary]),
        directoryRoles: [{ ...role, memberIds: [stranger] }],
      }),
    ).toThrow(/role member/);
  });
});

describe('/_sim/ control API over HTTPS', () => {
  it('reports the whole state', async () => {
    const reply = await call('/_sim/state', { auth: false });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(fixture.simulator.state());
  });

  it('queues faults, lists and clears them', async () => {
    const created = await call('/_sim/faults', {
      method: 'POST',
      auth: false,
      body: { path: 'methods$', status: 503, retryAfter: 0 },
    });
    expect(created).toMatchObject({ status: 201, body: { path: 'methods$', status: 503, remaining: 1 } });
    expect((await call(methodsPath)).headers.get('retry-after')).toBe('0');
    await call('/_sim/faults', { method: 'POST', auth: false, body: { path: 'x', status: 500 } });
    expect(((await call('/_sim/faults', { auth: false })).body as unknown[]).length).toBe(1);
    expect((await call('/_sim/faults', { method: 'DELETE', auth: false })).status).toBe(204);
    expect(fixture.simulator.faults()).toEqual([]);
  });

  it('answers 400 for an invalid fault or seed', async () => {
    const badFault = await call('/_sim/faults', { method: 'POST', auth: false, body: { status: 500 } });
    expect(badFault.status).toBe(400);
    const badSeed = await call('/_sim/reset', { method: 'POST', auth: false, body: { users: 'nope' } });
    expect(badSeed.status).toBe(400);
  });

  it('reports and clears the request log', async () => {
    await call(methodsPath);
    const log = await call('/_sim/requests', { auth: false });
    expect(log.body).toEqual([expect.objectContaining({ path: methodsPath, status: 200 })]);
    expect((await call('/_sim/requests', { method: 'DELETE', auth: false })).status).toBe(204);
    expect(fixture.simulator.requests()).toEqual([]);
  });

  it('resets to the starting seed or to a posted one', async () => {
    const one = seedWithUsers([ordinary]);
    expect((await call('/_sim/reset', { method: 'POST', auth: false, body: one })).status).toBe(204);
    expect((await call(`/v1.0/users/${seed.users[1]?.id}`)).status).toBe(404);
    expect((await call('/_sim/reset', { method: 'POST', auth: false })).status).toBe(204);
    expect((await call(`/v1.0/users/${seed.users[1]?.id}`)).status).toBe(200);
  });

  it('reads and sets the directory limits in /_sim/throttling, leaving the reports limit alone', async () => {
    const reports = fixture.simulator.reportsThrottling();
    const changed = await call('/_sim/throttling', {
      method: 'POST',
      auth: false,
      body: { directory: { resourceUnits: 1, resourceUnitWindowMs: 600_000 } },
    });
    try {
      const directory = {
        enabled: true,
        resourceUnits: 1,
        resourceUnitWindowMs: 600_000,
        writes: 3_000,
        writeWindowMs: 150_000,
      };
      // The authentication methods limit is off unless a test turns it on (rate-limit.ts).
      const authenticationMethods = { enabled: false, requests: 5, windowMs: 10_000 };
      expect(changed).toMatchObject({ status: 200, body: { reports, authenticationMethods, directory } });
      expect((await call('/_sim/throttling', { auth: false })).body).toEqual({
        reports,
        authenticationMethods,
        directory,
      });
      expect((await call(`/v1.0/users/${ordinary.id}`)).status).toBe(200);
      expect((await call(`/v1.0/users/${ordinary.id}`)).status).toBe(429);
      const off = await call('/_sim/throttling', {
        method: 'POST',
        auth: false,
        body: { directory: { enabled: false } },
      });
      expect(off.body).toMatchObject({ directory: { enabled: false, resourceUnits: 'tenantSize' } });
      expect((await call(`/v1.0/users/${ordinary.id}`)).status).toBe(200);
    } finally {
      fixture.simulator.setDirectoryThrottling({});
    }
  });

  it('answers 400 for invalid limits and changes neither', async () => {
    const before = await call('/_sim/throttling', { auth: false });
    const bad = await call('/_sim/throttling', {
      method: 'POST',
      auth: false,
      body: { reports: { requests: 1 }, directory: { writes: 0 } },
    });
    expect(bad.status).toBe(400);
    expect((await call('/_sim/throttling', { auth: false })).body).toEqual(before.body);
  });

  it('adds /_sim/latency to every request and batch step, until the faults are cleared', async () => {
    const set = await call('/_sim/latency', { method: 'POST', auth: false, body: { latencyMs: 150 } });
    expect(set).toMatchObject({ status: 200, body: { latencyMs: 150 } });
    expect((await call('/_sim/latency', { auth: false })).body).toEqual({ latencyMs: 150 });
    let started = performance.now();
    expect((await call(methodsPath)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    // Each step waits: the second of a dependent pair starts once the first has answered.
    const first = { id: '1', method: 'GET', url: `/users/${ordinary.id}` };
    const second = { ...first, id: '2', dependsOn: ['1'] };
    fixture.simulator.clearRequests();
    started = performance.now();
    const batch = await call('/v1.0/$batch', { method: 'POST', body: { requests: [first, second] } });
    expect(batch.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const stepStarts = fixture.simulator
      .requests()
      .filter((entry) => entry.inBatch)
      .map((entry) => Date.parse(entry.time));
    expect(stepStarts).toHaveLength(2);
    expect(stepStarts[1]! - stepStarts[0]!).toBeGreaterThanOrEqual(140);
    expect((await call('/_sim/faults', { method: 'DELETE', auth: false })).status).toBe(204);
    expect(fixture.simulator.latency()).toEqual({ latencyMs: 0 });
  });

  it('answers 400 for an invalid latency and keeps the one set', async () => {
    fixture.simulator.setLatency({ latencyMs: 5 });
    for (const body of [{ latencyMs: -1 }, { latencyMs: 1.5 }, { latencyMs: 120_001 }, { delay: 5 }]) {
      expect((await call('/_sim/latency', { method: 'POST', auth: false, body })).status).toBe(400);
    }
    expect(fixture.simulator.latency()).toEqual({ latencyMs: 5 });
  });

  it('answers 404 for an unknown control operation', async () => {
    expect((await call('/_sim/nothing', { auth: false })).status).toBe(404);
  });
});
