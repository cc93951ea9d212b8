import { afterEach, describe, expect, it } from 'vitest';

import { createTap } from '../../src/lib/graph/tap';
import { userPath } from '../../src/lib/graph/user-path';
import { listAuthenticationMethods } from '../../src/lib/graph/users';
import { AppError } from '../../src/lib/http/problem';
import { UserReferenceSchema } from '../../src/lib/http/user-reference';
import { lookUpUserMethods } from '../../src/lib/lookup/user-methods';
import { resetMfa } from '../../src/lib/recovery/reset-mfa';
import { appGraphClient } from '../support/app-graph-client';
import { demoSeedUser } from '../support/demo-tenant';
import { simulatorGet } from '../support/graph-fixture';
import { useGraphSimulator } from '../support/graph-fixture';

// The throttling-limits page lists authenticationMethod under the identity and access reports
// limit (5 requests per 10 s per app and tenant). If Graph holds a user's authentication methods
// to it, the app must answer 503 with Graph's Retry-After, never fail. The simulator's switch
// (off by default) applies that limit to /users/{id}/authentication/…Methods.

const fixture = useGraphSimulator({ resetAfterEach: true });

afterEach(() => {
  fixture.simulator.setAuthenticationMethodsThrottling({ enabled: false });
});

const adele = demoSeedUser('ordinaryUser');
const methodsPath = `/v1.0/users/${adele.id}/authentication/methods`;
/**
 * A window longer than the app's longest in-request wait (GRAPH_MAX_RETRY_WAIT_SECONDS, 10 s), so
 * that Graph's Retry-After reaches the caller instead of being waited out: 5 requests per 60 s.
 */
const LIMIT = { enabled: true, requests: 5, windowMs: 60_000 };

async function thrown(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to fail'),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('the authentication methods limit', () => {
  it('is off by default', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await simulatorGet(fixture, methodsPath)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);
  });

  it('when on, answers the sixth request in the window 429 with Retry-After (seconds until the oldest leaves it)', async () => {
    fixture.simulator.setAuthenticationMethodsThrottling(LIMIT);
    for (let i = 0; i < 5; i += 1) expect((await simulatorGet(fixture, methodsPath)).status).toBe(200);
    const response = await fetch(`${fixture.simulator.url}${methodsPath}`, {
      headers: { Authorization: `Bearer ${fixture.token}` },
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Other paths of the user are not counted.
    expect((await simulatorGet(fixture, `/v1.0/users/${adele.id}`)).status).toBe(200);
  });

  it("degrades the app's method look-up to 503 graph_throttled with Graph's Retry-After", async () => {
    fixture.simulator.setAuthenticationMethodsThrottling(LIMIT);
    const graph = appGraphClient(fixture);
    const user = UserReferenceSchema.parse(adele.id);
    for (let i = 0; i < 5; i += 1) await lookUpUserMethods(graph, user, 'test');
    const error = await thrown(lookUpUserMethods(graph, user, 'test'));
    expect([error.status, error.code]).toEqual([503, 'graph_throttled']);
    expect(error.options.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(error.options.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('degrades issuing a Temporary Access Pass to 503 graph_throttled, with no pass created', async () => {
    fixture.simulator.setAuthenticationMethodsThrottling({ ...LIMIT, requests: 1 });
    const graph = appGraphClient(fixture);
    const user = UserReferenceSchema.parse(adele.id);
    await lookUpUserMethods(graph, user, 'test');
    const error = await thrown(
      createTap(graph, userPath(user), { lifetimeInMinutes: 60, isUsableOnce: false }, 'test'),
    );
    expect([error.status, error.code]).toEqual([503, 'graph_throttled']);
    expect(error.options.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    const methods = fixture.simulator
      .state()
      .users.find((seeded) => seeded.id === adele.id)?.authenticationMethods;
    expect(methods?.some((method) => method.type === 'temporaryAccessPass')).toBe(false);
  });

  it("degrades a reset whose steps are throttled to 503 with Graph's Retry-After, removing nothing unreported", async () => {
    fixture.simulator.setAuthenticationMethodsThrottling({ ...LIMIT, requests: 1 });
    const graph = appGraphClient(fixture);
    const user = { kind: 'id', id: adele.id } as const;
    const listMethods = () => listAuthenticationMethods(graph, user, 'test');
    const stored = () =>
      fixture.simulator.state().users.find((seeded) => seeded.id === adele.id)?.authenticationMethods ?? [];
    const before = stored()
      .map((method) => method.id)
      .sort();
    // The reset's first list uses up the window's one request: every step after it is throttled.
    const methods = await listMethods();
    const error = await thrown(
      resetMfa(
        { userPath: userPath(user), methods, revokeSessions: false, dryRun: false },
        { graph, clientRequestId: 'test', listMethods },
      ),
    );
    expect(error.status).toBe(503);
    expect(error.options.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(error.options.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Every delete step was throttled: nothing is gone that the answer doesn't say.
    expect(
      stored()
        .map((method) => method.id)
        .sort(),
    ).toEqual(before);
  });
});
