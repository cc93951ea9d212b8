import { ManagedIdentityCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { DEMO_SEED_PATH, type GraphSimulator, startGraphSimulator } from '../../local/graph';
import { DEFAULT_APP_ROLES, type IdentityEndpoint, startIdentityEndpoint } from '../../local/identity';
import { loadConfig } from '../../src/lib/config';
import { createGraphClient } from '../../src/lib/graph/client';
import { AppError } from '../../src/lib/http/problem';
import { UserReferenceSchema } from '../../src/lib/http/user-reference';
import { lookUpUserMethods } from '../../src/lib/lookup/user-methods';
import { demoTenant } from '../support/demo-tenant';

let identity: IdentityEndpoint;
let simulator: GraphSimulator;

/** A Graph client as the app builds it: real ManagedIdentityCredential, SDK middleware, HTTPS. */
function appGraphClient(identityHeader = identity.header): Client {
  vi.stubEnv('IDENTITY_ENDPOINT', identity.url);
  vi.stubEnv('IDENTITY_HEADER', identityHeader);
  const config = loadConfig({
    GRAPH_BASE_URL: simulator.url,
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  });
  return createGraphClient(config.graph, new ManagedIdentityCredential({ clientId: identity.clientId }));
}

const reference = (user: string) => UserReferenceSchema.parse(user);

async function lookUpError(graph: Client, user: string): Promise<AppError> {
  const error: unknown = await lookUpUserMethods(graph, reference(user), 'test').catch(
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(async () => {
  identity = await startIdentityEndpoint();
  simulator = await startGraphSimulator({ seed: DEMO_SEED_PATH, tokenPublicKeyPem: identity.publicKeyPem });
});

afterEach(() => {
  simulator.clearFaults();
  simulator.clearRequests();
  identity.setRoles(DEFAULT_APP_ROLES);
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await simulator?.close();
  await identity?.close();
});

describe('Graph client against the simulator', () => {
  it('looks up a user by UPN with every registered method, phones masked', async () => {
    const expected = demoTenant().ordinaryUser;
    const result = await lookUpUserMethods(appGraphClient(), reference(expected.userPrincipalName), 'test');
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
    const result = await lookUpUserMethods(appGraphClient(), reference(expected.id.toUpperCase()), 'test');
    expect(result.user.id).toBe(expected.id);
  });

  it('finds a guest by a UPN holding #EXT#', async () => {
    const guest = demoTenant().guest;
    const result = await lookUpUserMethods(appGraphClient(), reference(guest.userPrincipalName), 'test');
    expect(result.user).toMatchObject({ id: guest.id, userType: 'Guest' });
  });

  it('finds a user whose UPN starts with $', async () => {
    const dollar = demoTenant().dollarUser;
    const result = await lookUpUserMethods(appGraphClient(), reference(dollar.userPrincipalName), 'test');
    expect(result.user.id).toBe(dollar.id);
  });

  it("maps Graph's 404 to user_not_found with Graph's request-id", async () => {
    const error = await lookUpError(appGraphClient(), 'nobody@contoso.onmicrosoft.com');
    expect(error.code).toBe('user_not_found');
    expect(error.options.graphRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('recovers from a 429 with Retry-After through the SDK retry handler', async () => {
    const user = demoTenant().ordinaryUser;
    simulator.injectFault({
      method: 'GET',
      path: '/authentication/methods$',
      status: 429,
      retryAfter: 0,
      count: 1,
    });
    const result = await lookUpUserMethods(appGraphClient(), reference(user.id), 'test');
    expect(result.methods.length).toBe(user.methodIds.length);
    const methodCalls = simulator
      .requests()
      .filter((request) => request.path.endsWith('/authentication/methods'));
    expect(methodCalls.map((request) => request.status)).toEqual([429, 200]);
  });

  it('returns graph_throttled with Retry-After instead of waiting past the budget', async () => {
    const user = demoTenant().ordinaryUser;
    simulator.injectFault({
      method: 'GET',
      path: '/authentication/methods$',
      status: 429,
      retryAfter: 120,
      count: 1,
    });
    const error = await lookUpError(appGraphClient(), user.id);
    expect(error.code).toBe('graph_throttled');
    expect(error.options.retryAfterSeconds).toBe(120);
    expect(
      simulator.requests().filter((request) => request.path.endsWith('/authentication/methods')),
    ).toHaveLength(1);
  });

  it('gives up on a Graph outage after the configured retries', async () => {
    const user = demoTenant().ordinaryUser;
    simulator.injectFault({
      method: 'GET',
      path: '/authentication/methods$',
      status: 503,
      retryAfter: 0,
      count: 10,
    });
    const error = await lookUpError(appGraphClient(), user.id);
    expect(error.code).toBe('graph_unavailable');
    expect(
      simulator.requests().filter((request) => request.path.endsWith('/authentication/methods')),
    ).toHaveLength(4);
  });
});
