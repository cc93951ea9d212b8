import { afterAll, afterEach, beforeAll } from 'vitest';

import { DEMO_SEED_PATH, type GraphSimulator, startGraphSimulator } from '../../local/graph';
import { DEFAULT_APP_ROLES, type IdentityEndpoint, startIdentityEndpoint } from '../../local/identity';
import { expectOnlyListedGraphCalls } from './graph-calls-check';

export interface GraphFixtureOptions {
  /**
   * Have the simulator accept only tokens of the identity endpoint's tenant, rather than of the
   * seed's (the demo seed and the identity endpoint share one tenant id by default).
   */
  identityTenant?: boolean;
  /** Also put the tenant back to its starting seed after each test, for tests that change it. */
  resetAfterEach?: boolean;
}

export interface GraphFixture {
  /** The managed-identity endpoint. This and the rest are there once beforeAll has run. */
  readonly identity: IdentityEndpoint;
  /** The Graph simulator holding the demo tenant, trusting the identity endpoint's tokens. */
  readonly simulator: GraphSimulator;
  /** A Graph token with the identity's default app roles, minted in beforeAll. */
  readonly token: string;
}

/**
 * Registers the hooks of a test file that talks to the Graph simulator: beforeAll starts the
 * managed-identity endpoint and the simulator (demo seed); after each test, every request the app
 * sent must be in src/lib/graph/graph-calls.ts (graph-calls-check.ts), queued faults and the
 * request log are cleared and the identity's app roles are back to the defaults (and the tenant
 * reset, with `resetAfterEach`); afterAll closes both. Call it at the top level of the file, before
 * any beforeAll that uses it.
 */
export function useGraphSimulator(options: GraphFixtureOptions = {}): GraphFixture {
  let identity: IdentityEndpoint | undefined;
  let simulator: GraphSimulator | undefined;
  let token: string | undefined;

  beforeAll(async () => {
    identity = await startIdentityEndpoint();
    simulator = await startGraphSimulator({
      seed: DEMO_SEED_PATH,
      tokenPublicKeyPem: identity.publicKeyPem,
      ...(options.identityTenant === true ? { tenantId: identity.tenantId } : {}),
    });
    token = identity.mintToken().accessToken;
  });

  afterEach(() => {
    const requests = simulator?.requests() ?? [];
    simulator?.clearFaults();
    simulator?.clearRequests();
    if (options.resetAfterEach === true) simulator?.reset();
    identity?.setRoles(DEFAULT_APP_ROLES);
    // Last, so that a failure leaves the fixture clean for the next test.
    expectOnlyListedGraphCalls(requests);
  });

  afterAll(async () => {
    await simulator?.close();
    await identity?.close();
  });

  const started = <T>(value: T | undefined, name: keyof GraphFixture): T => {
    if (value === undefined)
      throw new Error(`The Graph fixture's ${name} is there only once beforeAll has run`);
    return value;
  };
  return {
    get identity() {
      return started(identity, 'identity');
    },
    get simulator() {
      return started(simulator, 'simulator');
    },
    get token() {
      return started(token, 'token');
    },
  };
}

/** A Graph answer as the simulator tests read it: a list (`value`) or an error. */
export interface SimulatorReply {
  status: number;
  body: Record<string, unknown> & {
    value?: Record<string, unknown>[];
    error?: { code: string; message: string; innerError?: Record<string, string> };
  };
}

export interface SimulatorRequest {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** false: no Authorization header at all. */
  auth?: boolean;
  /** A token minted with these app roles instead of the fixture's. */
  roles?: string[];
  headers?: Record<string, string>;
}

/** A request to the simulator (a path, or an absolute nextLink); the body comes back parsed. */
export async function simulatorCall(fixture: GraphFixture, url: string, init: SimulatorRequest = {}) {
  const token =
    init.roles === undefined ? fixture.token : fixture.identity.mintToken({ roles: init.roles }).accessToken;
  const response = await fetch(url.startsWith('https://') ? url : `${fixture.simulator.url}${url}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.auth === false ? {} : { Authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as unknown,
  };
}

/** A GET read as a Graph list or error. */
export async function simulatorGet(
  fixture: GraphFixture,
  path: string,
  options: Pick<SimulatorRequest, 'roles' | 'headers'> = {},
): Promise<SimulatorReply> {
  const { status, body } = await simulatorCall(fixture, path, options);
  return { status, body: (body ?? {}) as SimulatorReply['body'] };
}
