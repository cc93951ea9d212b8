import { beforeAll, describe, expect, it } from 'vitest';

import type { FaultSpec, GraphVersion, RequestLogEntry } from '../../local/graph';
import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { graphOpenApiValidator, type OpenApiValidator } from '../support/openapi';

/**
 * Every JSON body the simulator serves for a Graph route (success and error, batch steps too)
 * must validate against Microsoft's OpenAPI subset for that path, method and status (or
 * `default`). The table below drives the requests; the last test fails when a route the
 * simulator serves has no successful case here, so a new route can't skip conformance.
 */

const seed = demoSeed();
const ordinary = demoSeedUser('ordinaryUser');
const guest = demoSeedUser('guest');
const dollar = demoSeedUser('dollarUser');

type Caller = 'app' | 'anonymous' | 'usersOnly';

interface ConformanceCase {
  name: string;
  method: string;
  /** Below the version root, query included. */
  path: string;
  body?: unknown;
  caller?: Caller;
  fault?: FaultSpec;
  status: number;
}

interface BatchStep {
  id: string;
  method: string;
  url: string;
}

const VERSIONS: readonly GraphVersion[] = ['v1.0', 'beta'];

/** Routes served although the OpenAPI subsets don't describe them (none yet): `METHOD /template`. */
const OUTSIDE_OPENAPI_SUBSET: readonly string[] = [];

const methodsOf = (key: string) => `/users/${key}/authentication/methods`;
const nobody = 'nobody@contoso.onmicrosoft.com';

const batchSteps: BatchStep[] = [
  { id: 'user', method: 'GET', url: `/users/${ordinary.id}?$select=displayName,accountEnabled` },
  { id: 'methods', method: 'GET', url: methodsOf(ordinary.userPrincipalName) },
  { id: 'missing', method: 'GET', url: `/users/${nobody}` },
  { id: 'missingMethods', method: 'GET', url: methodsOf(nobody) },
  { id: 'throttled', method: 'GET', url: methodsOf(guest.id) },
];

const CASES: readonly ConformanceCase[] = [
  // GET /users/{user-id}
  { name: 'user by id', method: 'GET', path: `/users/${ordinary.id}`, status: 200 },
  {
    name: 'user by UPN with $select',
    method: 'GET',
    path: `/users/${ordinary.userPrincipalName}?$select=id,accountEnabled,userType,businessPhones,createdDateTime,otherMails`,
    status: 200,
  },
  {
    name: 'guest by encoded #EXT# UPN',
    method: 'GET',
    path: `/users/${guest.userPrincipalName.replaceAll('#', '%23')}`,
    status: 200,
  },
  { name: "$ user in ('…') form", method: 'GET', path: `/users('${dollar.userPrincipalName}')`, status: 200 },
  { name: '$ user in plain form', method: 'GET', path: `/users/${dollar.userPrincipalName}`, status: 400 },
  { name: 'unknown user', method: 'GET', path: `/users/${nobody}`, status: 404 },
  {
    name: 'unknown $select property',
    method: 'GET',
    path: `/users/${ordinary.id}?$select=nope`,
    status: 400,
  },
  {
    name: 'user without token',
    method: 'GET',
    path: `/users/${ordinary.id}`,
    caller: 'anonymous',
    status: 401,
  },
  {
    name: 'user throttled',
    method: 'GET',
    path: `/users/${ordinary.id}`,
    fault: { path: '/users/[^/]+$', status: 429, retryAfter: 1 },
    status: 429,
  },
  {
    name: 'user during an outage',
    method: 'GET',
    path: `/users/${ordinary.id}`,
    fault: { path: '/users/[^/]+$', status: 503 },
    status: 503,
  },
  // GET /users/{user-id}/authentication/methods: every seeded user, so every method type
  ...seed.users.map((user) => ({
    name: `methods of ${user.userPrincipalName}`,
    method: 'GET',
    path: methodsOf(user.id),
    status: 200,
  })),
  { name: 'methods of an unknown user', method: 'GET', path: methodsOf(nobody), status: 404 },
  {
    name: 'methods without the role',
    method: 'GET',
    path: methodsOf(ordinary.id),
    caller: 'usersOnly',
    status: 403,
  },
  { name: 'methods with an unsupported method', method: 'DELETE', path: methodsOf(ordinary.id), status: 405 },
  // Paths and methods Graph doesn't have: error bodies still follow the error schema
  { name: 'unknown segment', method: 'GET', path: '/usres/x', status: 400 },
  // POST /$batch
  {
    name: 'batch',
    method: 'POST',
    path: '/$batch',
    body: { requests: batchSteps },
    fault: { path: `/users/${guest.id}/authentication/methods$`, status: 429, retryAfter: 2 },
    status: 200,
  },
  {
    name: 'batch with a step the caller may not run',
    method: 'POST',
    path: '/$batch',
    body: { requests: batchSteps.slice(0, 2) },
    caller: 'usersOnly',
    status: 200,
  },
  {
    name: 'batch with duplicate ids',
    method: 'POST',
    path: '/$batch',
    body: { requests: [batchSteps[0], { ...batchSteps[1], id: 'USER' }] },
    status: 400,
  },
  {
    name: 'batch with too many steps',
    method: 'POST',
    path: '/$batch',
    body: { requests: Array.from({ length: 21 }, (_, i) => ({ ...batchSteps[0], id: String(i) })) },
    status: 400,
  },
];

interface Outcome {
  status: number;
  body: unknown;
  requestBody?: unknown;
}

const fixture = useGraphSimulator();
const validators = new Map<GraphVersion, OpenApiValidator>();
const outcomes = new Map<string, Outcome>();
const served: RequestLogEntry[] = [];
const caseKey = (version: GraphVersion, testCase: ConformanceCase) => `${version} ${testCase.name}`;

async function run(
  version: GraphVersion,
  testCase: ConformanceCase,
  tokens: Record<Caller, string | undefined>,
) {
  if (testCase.fault !== undefined) fixture.simulator.injectFault(testCase.fault);
  const bearer = tokens[testCase.caller ?? 'app'];
  const response = await fetch(`${fixture.simulator.url}/${version}${testCase.path}`, {
    method: testCase.method,
    headers: {
      ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }),
      ...(testCase.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(testCase.body === undefined ? {} : { body: JSON.stringify(testCase.body) }),
  });
  const text = await response.text();
  outcomes.set(caseKey(version, testCase), {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  });
  served.push(...fixture.simulator.requests());
  fixture.simulator.clearRequests();
  fixture.simulator.clearFaults();
}

beforeAll(async () => {
  const tokens: Record<Caller, string | undefined> = {
    app: fixture.token,
    usersOnly: fixture.identity.mintToken({ roles: ['User.Read.All'] }).accessToken,
    anonymous: undefined,
  };
  for (const version of VERSIONS) {
    validators.set(version, graphOpenApiValidator(version));
    for (const testCase of CASES) await run(version, testCase, tokens);
  }
});

const withoutQuery = (path: string) => path.split('?')[0] ?? path;

function validate(
  version: GraphVersion,
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const validator = validators.get(version);
  if (validator === undefined) throw new Error(`no validator for ${version}`);
  if (status >= 400 && validator.findOperation(method, withoutQuery(path)) === undefined) {
    // No operation to look up (405, unknown segment): the body must still be a Graph error.
    const outcome = validator.validateSchema('microsoft.graph.ODataErrors.ODataError', body);
    return outcome.errors.map((error) => `${method} ${path} → ${status} (ODataError): ${error}`);
  }
  const outcome = validator.validateResponse({ method, path: withoutQuery(path), status, body });
  return outcome.errors.map(
    (error) => `${method} ${path} → ${status} (${outcome.responseKey ?? '?'}): ${error}`,
  );
}

describe.each(VERSIONS)('Graph simulator responses conform to the %s OpenAPI subset', (version) => {
  it.each(CASES)('$name', (testCase) => {
    const outcome = outcomes.get(caseKey(version, testCase));
    expect(outcome?.status).toBe(testCase.status);
    if (outcome === undefined) return;
    const errors = validate(version, testCase.method, testCase.path, outcome.status, outcome.body);
    if (testCase.path === '/$batch' && outcome.status === 200) {
      const steps = (testCase.body as { requests: BatchStep[] }).requests;
      const responses = (outcome.body as { responses: { id: string; status: number; body?: unknown }[] })
        .responses;
      expect(responses.map((response) => response.id).sort()).toEqual(steps.map((step) => step.id).sort());
      for (const response of responses) {
        const step = steps.find((candidate) => candidate.id === response.id);
        if (step !== undefined)
          errors.push(...validate(version, step.method, step.url, response.status, response.body));
      }
    }
    expect(errors).toEqual([]);
  });
});

describe('conformance coverage', () => {
  it('has a successful case, in each version, for every route the simulator serves', () => {
    const uncovered = fixture.simulator.routes
      .filter((route) => !OUTSIDE_OPENAPI_SUBSET.includes(`${route.method} ${route.template}`))
      .filter(
        (route) =>
          !served.some(
            (entry) =>
              entry.route === `${route.method} ${route.template}` &&
              entry.path.startsWith(`/${route.version}/`) &&
              entry.status !== undefined &&
              entry.status >= 200 &&
              entry.status < 300,
          ),
      )
      .map((route) => `${route.version} ${route.method} ${route.template}`);
    expect(uncovered).toEqual([]);
  });

  it('serves only operations the OpenAPI subsets describe, unless listed as outside them', () => {
    const outside = fixture.simulator.routes
      .filter((route) => !route.inOpenApiSubset)
      .map((route) => `${route.method} ${route.template}`)
      .filter((route) => !OUTSIDE_OPENAPI_SUBSET.includes(route));
    expect(outside).toEqual([]);
  });
});
