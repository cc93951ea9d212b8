import { ManagedIdentityCredential } from '@azure/identity';
import { expect, vi } from 'vitest';

import type { TenantSeed } from '../../local/graph';
import { loadConfig } from '../../src/lib/config';
import { createGraphClient } from '../../src/lib/graph/client';
import { checkTarget, type GuardDecision, type GuardDeps } from '../../src/lib/guard';
import { AppError } from '../../src/lib/http/problem';
import { UserReferenceSchema } from '../../src/lib/http/user-reference';
import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import type { GraphFixture } from '../support/graph-fixture';

/** The group the demo configuration protects (PROTECTED_GROUP_IDS): "Payment Approvers". */
export function protectedGroupId(): string {
  const group = demoSeed().groups.find((candidate) => candidate.displayName === 'Payment Approvers');
  if (group === undefined) throw new Error('the demo seed has no "Payment Approvers" group');
  return group.id;
}

/**
 * The guard's dependencies as the app builds them: config from settings (break-glass = the demo's
 * break-glass account, protected group = Payment Approvers), a Graph client with the real
 * ManagedIdentityCredential against the fixture's identity endpoint, HTTPS to the simulator
 * (`baseUrl` lets a test name the simulator differently, e.g. https://127.0.0.1:PORT;
 * `identityHeader` a wrong IDENTITY_HEADER).
 */
export function guardDeps(
  fixture: GraphFixture,
  options: { baseUrl?: string; identityHeader?: string } = {},
): GuardDeps {
  vi.stubEnv('IDENTITY_ENDPOINT', fixture.identity.url);
  vi.stubEnv('IDENTITY_HEADER', options.identityHeader ?? fixture.identity.header);
  const config = loadConfig({
    GRAPH_BASE_URL: options.baseUrl ?? fixture.simulator.url,
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    BREAK_GLASS_OBJECT_IDS: demoSeedUser('breakGlass').id,
    PROTECTED_GROUP_IDS: protectedGroupId(),
    GRAPH_MAX_RETRIES: '2',
    GRAPH_MAX_RETRY_WAIT_SECONDS: '5',
  });
  const graph = createGraphClient(
    config.graph,
    new ManagedIdentityCredential({ clientId: fixture.identity.clientId }),
  );
  return { graph, guard: config.guard, graphConfig: config.graph };
}

/** Checks `user` (object id or UPN, as a caller would send it). */
export async function check(deps: GuardDeps, user: string): Promise<GuardDecision> {
  return await checkTarget(deps, UserReferenceSchema.parse(user), '5b0e6a1c-7f4e-4d4b-9a52-3f1c2d9e8a10');
}

/** Checks `user`, expecting an AppError. */
export async function checkError(deps: GuardDeps, user: string): Promise<AppError> {
  const error: unknown = await check(deps, user).then(
    (decision) => new Error(`expected an error, got ${JSON.stringify(decision)}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Top-level Graph requests (round trips), not batch steps. */
export function roundTrips(fixture: GraphFixture) {
  return fixture.simulator.requests().filter((request) => !request.inBatch);
}

/** The demo seed with changes (as a seed file would hold them). */
export function demoSeedWith(change: (seed: TenantSeed) => void): TenantSeed {
  const seed = structuredClone(demoSeed()) as TenantSeed;
  change(seed);
  return seed;
}
