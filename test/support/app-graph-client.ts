import { ManagedIdentityCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { expect, vi } from 'vitest';

import type { RequestLogEntry } from '../../local/graph';
import { loadConfig } from '../../src/lib/config';
import { createGraphClient } from '../../src/lib/graph/client';
import { AppError } from '../../src/lib/http/problem';
import { UserReferenceSchema } from '../../src/lib/http/user-reference';
import { lookUpUserMethods } from '../../src/lib/lookup/user-methods';
import type { GraphFixture } from './graph-fixture';

/**
 * A Graph client as the app builds it: a real ManagedIdentityCredential that reaches the fixture's
 * identity endpoint with `identityHeader` as IDENTITY_HEADER (environment stubbed for the test;
 * vitest.config's unstubEnvs restores it), SDK middleware, HTTPS to the simulator.
 */
export function appGraphClient(fixture: GraphFixture, identityHeader = fixture.identity.header): Client {
  vi.stubEnv('IDENTITY_ENDPOINT', fixture.identity.url);
  vi.stubEnv('IDENTITY_HEADER', identityHeader);
  const config = loadConfig({
    GRAPH_BASE_URL: fixture.simulator.url,
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  });
  return createGraphClient(
    config.graph,
    new ManagedIdentityCredential({ clientId: fixture.identity.clientId }),
  );
}

/** Looks up `user` (UPN or object id) through `graph`, expecting the look-up to fail with an AppError. */
export async function lookUpError(graph: Client, user: string): Promise<AppError> {
  const error: unknown = await lookUpUserMethods(graph, UserReferenceSchema.parse(user), 'test').catch(
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** The requests for a user's authentication methods in the simulator's log. */
export function methodCalls(fixture: GraphFixture): RequestLogEntry[] {
  return fixture.simulator.requests().filter((request) => request.path.endsWith('/authentication/methods'));
}
