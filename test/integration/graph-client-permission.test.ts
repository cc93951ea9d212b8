import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { DEMO_SEED_PATH, type GraphSimulator, startGraphSimulator } from '../../local/graph';
import { DEFAULT_APP_ROLES, type IdentityEndpoint, startIdentityEndpoint } from '../../local/identity';
import { loadConfig } from '../../src/lib/config';
import { createGraphClient } from '../../src/lib/graph/client';
import { AppError } from '../../src/lib/http/problem';
import { UserReferenceSchema } from '../../src/lib/http/user-reference';
import { lookUpUserMethods } from '../../src/lib/lookup/user-methods';
import { demoTenant } from '../support/demo-tenant';

// A file of its own: MSAL reads the managed-identity settings and caches tokens once per process,
// and vitest gives each test file its own process.
let identity: IdentityEndpoint;
let simulator: GraphSimulator;

async function lookUpWith(identityHeader: string): Promise<unknown> {
  vi.stubEnv('IDENTITY_ENDPOINT', identity.url);
  vi.stubEnv('IDENTITY_HEADER', identityHeader);
  const config = loadConfig({
    GRAPH_BASE_URL: simulator.url,
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  });
  const graph = createGraphClient(
    config.graph,
    new ManagedIdentityCredential({ clientId: identity.clientId }),
  );
  const user = UserReferenceSchema.parse(demoTenant().ordinaryUser.id);
  return await lookUpUserMethods(graph, user, 'test').catch((thrown: unknown) => thrown);
}

beforeAll(async () => {
  identity = await startIdentityEndpoint();
  simulator = await startGraphSimulator({ seed: DEMO_SEED_PATH, tokenPublicKeyPem: identity.publicKeyPem });
});

afterEach(() => vi.unstubAllEnvs());

afterAll(async () => {
  await simulator?.close();
  await identity?.close();
});

describe('Graph client with a withdrawn app role', () => {
  it("maps a withdrawn app role to graph_permission_denied with Graph's code", async () => {
    identity.setRoles(DEFAULT_APP_ROLES.filter((role) => role !== 'UserAuthenticationMethod.Read.All'));
    const error = await lookUpWith(identity.header);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'graph_permission_denied', status: 502 });
    expect((error as AppError).options.graphCode).toBe('Authorization_RequestDenied');
    const methodCalls = simulator
      .requests()
      .filter((request) => request.path.endsWith('/authentication/methods'));
    expect(methodCalls.map((request) => request.status)).toEqual([403]);
  });
});
