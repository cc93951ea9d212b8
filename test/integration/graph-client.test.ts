import { describe, expect, it } from 'vitest';

import { UserReferenceSchema } from '../../src/lib/http/user-reference';
import { lookUpUserMethods } from '../../src/lib/lookup/user-methods';
import { appGraphClient, lookUpError, methodCalls } from '../support/app-graph-client';
import { demoTenant } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';

const fixture = useGraphSimulator();
/** Looks up `user` (UPN or object id) as the app does. */
const lookUp = (user: string) =>
  lookUpUserMethods(appGraphClient(fixture), UserReferenceSchema.parse(user), 'test');

/** The next `count` calls listing a user's authentication methods fail as `fault` says. */
const failMethodCalls = (fault: { status: number; retryAfter: number; count: number }) =>
  fixture.simulator.injectFault({ method: 'GET', path: '/authentication/methods$', ...fault });

describe('Graph client against the simulator', () => {
  it('looks up a user by UPN with every registered method, phones masked', async () => {
    const expected = demoTenant().ordinaryUser;
    const result = await lookUp(expected.userPrincipalName);
    expect(Object.keys(result.user).sort()).toEqual([
      'accountEnabled',
      'displayName',
      'id',
      'userPrincipalName',
      'userType',
    ]);
    expect(result.user).toMatchObject({ id: expected.id, userPrincipalName: expected.userPrincipalName });
    expect(result.methods.map((method) => method.id).sort()).toEqual(expected.methodIds.sort());
    const phones = result.methods.filter((method) => method.type === 'phone');
    expect(phones.length).toBeGreaterThan(0);
    for (const phone of phones) expect(phone.details.phoneNumber).toMatch(/^[+* ]*\d{4}(x\**)?$/);
  });

  it('looks up the same user by object id', async () => {
    const expected = demoTenant().ordinaryUser;
    const result = await lookUp(expected.id.toUpperCase());
    expect(result.user.id).toBe(expected.id);
  });

  it('finds a guest by a UPN holding #EXT#', async () => {
    const guest = demoTenant().guest;
    const result = await lookUp(guest.userPrincipalName);
    expect(result.user).toMatchObject({ id: guest.id, userType: 'Guest' });
  });

  it('finds a user whose UPN starts with $', async () => {
    const dollar = demoTenant().dollarUser;
    const result = await lookUp(dollar.userPrincipalName);
    expect(result.user.id).toBe(dollar.id);
  });

  it("maps Graph's 404 to user_not_found with Graph's request-id", async () => {
    const error = await lookUpError(appGraphClient(fixture), 'nobody@contoso.onmicrosoft.com');
    expect(error.code).toBe('user_not_found');
    expect(error.options.graphRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('recovers from a 429 with Retry-After through the SDK retry handler', async () => {
    const user = demoTenant().ordinaryUser;
    failMethodCalls({ status: 429, retryAfter: 0, count: 1 });
    const result = await lookUp(user.id);
    expect(result.methods.length).toBe(user.methodIds.length);
    expect(methodCalls(fixture).map((request) => request.status)).toEqual([429, 200]);
  });

  it('returns graph_throttled with Retry-After instead of waiting past the budget', async () => {
    const user = demoTenant().ordinaryUser;
    failMethodCalls({ status: 429, retryAfter: 120, count: 1 });
    const error = await lookUpError(appGraphClient(fixture), user.id);
    expect(error.code).toBe('graph_throttled');
    expect(error.options.retryAfterSeconds).toBe(120);
    expect(methodCalls(fixture)).toHaveLength(1);
  });

  it('gives up on a Graph outage after the configured retries', async () => {
    const user = demoTenant().ordinaryUser;
    failMethodCalls({ status: 503, retryAfter: 0, count: 10 });
    const error = await lookUpError(appGraphClient(fixture), user.id);
    expect(error.code).toBe('graph_unavailable');
    expect(methodCalls(fixture)).toHaveLength(4);
  });
});
