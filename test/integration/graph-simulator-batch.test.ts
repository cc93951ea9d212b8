import { describe, expect, it } from 'vitest';

import { demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';

// JSON batching: https://learn.microsoft.com/en-us/graph/json-batching

const ordinary = demoSeedUser('ordinaryUser');
const everyMethod = demoSeedUser('everyMethodUser');

const fixture = useGraphSimulator();

interface Step {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface StepResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { error?: { code: string; message: string; innerError: Record<string, string> } } & Record<
    string,
    unknown
  >;
}

async function batch(requests: Step[], options: { version?: string; bearer?: string } = {}) {
  const response = await fetch(`${fixture.simulator.url}/${options.version ?? 'v1.0'}/$batch`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${options.bearer ?? fixture.token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ requests }),
  });
  const body = (await response.json()) as {
    responses: StepResponse[];
    error?: { code: string; message: string };
  };
  const byId = (id: string) => body.responses.find((step) => step.id === id);
  return { status: response.status, body, byId };
}

const getUser = (id: string, url = `/users/${ordinary.id}`): Step => ({ id, method: 'GET', url });

describe('POST /$batch', () => {
  it('runs each step and correlates responses by id', async () => {
    const reply = await batch([
      getUser('user'),
      { id: 'methods', method: 'GET', url: `/users/${ordinary.userPrincipalName}/authentication/methods` },
      getUser('missing', '/users/nobody@contoso.onmicrosoft.com'),
    ]);
    expect(reply.status).toBe(200);
    expect(reply.byId('user')).toMatchObject({ status: 200, body: { id: ordinary.id } });
    expect(reply.byId('user')?.headers).toMatchObject({
      'x-ms-resource-unit': '1',
      'Cache-Control': 'no-cache',
      'OData-Version': '4.0',
      'Content-Type': expect.stringMatching(/^application\/json;odata\.metadata=minimal/) as string,
    });
    expect((reply.byId('methods')?.body?.value as unknown[]).length).toBe(
      ordinary.authenticationMethods.length,
    );
    expect(reply.byId('missing')).toMatchObject({
      status: 404,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' },
      body: { error: { code: 'Request_ResourceNotFound' } },
    });
  });

  it('keeps the query of a step url', async () => {
    const reply = await batch([getUser('1', `/users/${ordinary.id}?$select=displayName`)]);
    expect(reply.byId('1')?.body).toEqual({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(displayName)/$entity',
      displayName: ordinary.displayName,
    });
  });

  it('answers 200 for a batch that parses even when every step fails', async () => {
    const reply = await batch([
      getUser('1', '/users/nobody@contoso.onmicrosoft.com'),
      getUser('2', '/users/nobody.else@contoso.onmicrosoft.com'),
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body.responses.map((step) => step.status)).toEqual([404, 404]);
  });

  it('ignores atomicityGroup and a respond-async preference: each step runs on its own, synchronously', async () => {
    const response = await fetch(`${fixture.simulator.url}/v1.0/$batch`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${fixture.token}`,
        'Content-Type': 'application/json',
        Prefer: 'respond-async',
      },
      body: JSON.stringify({
        requests: [
          { ...getUser('1'), atomicityGroup: 'g' },
          { ...getUser('2', '/users/nobody@contoso.onmicrosoft.com'), atomicityGroup: 'g' },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { responses: StepResponse[] };
    expect(body.responses.map((step) => [step.id, step.status])).toEqual([
      ['1', 200],
      ['2', 404],
    ]);
  });

  it.each([
    ['no id', { method: 'GET', url: `/users/${ordinary.id}` }],
    ['no method', { id: '1', url: `/users/${ordinary.id}` }],
    ['no url', { id: '1', method: 'GET' }],
  ])('answers the whole batch 400 for a step with %s', async (_, step) => {
    expect((await batch([step as Step])).status).toBe(400);
  });

  it("answers a beta-only action called through a v1.0 batch with the doc's 405", async () => {
    const step: Step = {
      id: '4',
      method: 'POST',
      url: `/users/${ordinary.id}/authentication/hardwareOathMethods`,
      headers: { 'Content-Type': 'application/json' },
      body: {},
    };
    const reply = await batch([step, { id: '5', method: 'GET', url: step.url }]);
    expect(reply.status).toBe(200);
    expect(reply.byId('4')).toMatchObject({
      status: 405,
      headers: { 'Cache-Control': 'no-cache', 'Content-Type': 'application/json' },
      body: {
        error: {
          code: 'Request_BadRequest',
          message: 'Specified HTTP method is not allowed for the request target.',
        },
      },
    });
    // A read of the beta-only path keeps Graph's unknown-segment answer.
    expect(reply.byId('5')?.status).toBe(400);
    expect((await batch([step], { version: 'beta' })).byId('4')?.status).not.toBe(405);
  });

  it("takes a url without its leading slash, and passes a step's headers (ConsistencyLevel) to it", async () => {
    const reply = await batch([
      getUser('1', `users/${ordinary.id}?$select=displayName`),
      { id: '2', method: 'GET', url: 'groups?$count=true&$top=1', headers: { ConsistencyLevel: 'eventual' } },
      { id: '3', method: 'GET', url: 'groups?$count=true&$top=1' },
    ]);
    expect(reply.byId('1')).toMatchObject({ status: 200, body: { displayName: ordinary.displayName } });
    expect(reply.byId('2')?.body?.['@odata.count']).toEqual(expect.any(Number));
    expect(reply.byId('3')?.body).not.toHaveProperty('@odata.count');
  });

  it('answers the whole batch 400 beyond 20 steps', async () => {
    const steps = Array.from({ length: 21 }, (_, i) => getUser(String(i)));
    const reply = await batch(steps);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({
      code: 'BadRequest',
      message: 'Number of requests inside batch exceed the limit.',
    });
    expect((await batch(steps.slice(0, 20))).status).toBe(200);
  });

  it('answers 400 for ids that repeat, ignoring case', async () => {
    const reply = await batch([getUser('a'), getUser('A')]);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.message).toBe('Request Id A has to be unique in a batch.');
  });

  it('answers the whole batch 400 for a write step without body or Content-Type; a bare DELETE runs', async () => {
    // microsoft-graph-docs#6682: revokeSignInSessions in a batch without body or headers.
    const revoke = { id: 'r', method: 'POST', url: `/users/${ordinary.id}/revokeSignInSessions` };
    const json = { 'Content-Type': 'application/json' };
    const refusals = [
      [{ ...revoke }, 'Write request id : r does not contain Content-Type header or body.'],
      [{ ...revoke, headers: json }, 'Write request id : r does not contain Content-Type header or body.'],
      [{ ...revoke, body: {} }, "Write request with id 'r' does not contain a Content-Type header."],
      [
        { id: 'r', method: 'PATCH', url: `/users/${ordinary.id}/authentication/requirements`, headers: json },
        'Write request id : r does not contain Content-Type header or body.',
      ],
    ] as const;
    for (const [step, message] of refusals) {
      const reply = await batch([getUser('1'), step]);
      expect([reply.status, reply.body.error?.code, reply.body.error?.message]).toEqual([
        400,
        'BadRequest',
        message,
      ]);
    }
    // A refused batch runs none of its steps.
    expect(fixture.simulator.requests().filter((entry) => entry.inBatch)).toEqual([]);
    const accepted = await batch([{ ...revoke, headers: { 'content-type': 'application/json' }, body: {} }]);
    expect(accepted.byId('r')).toMatchObject({ status: 200, body: { value: true } });
    // The doc's example sends a DELETE with neither; Graph runs it (here: 404, no such method).
    const bareDelete = await batch([
      { id: 'd', method: 'DELETE', url: `/users/${ordinary.id}/authentication/emailMethods/nope` },
    ]);
    expect([bareDelete.status, bareDelete.byId('d')?.status]).toEqual([200, 404]);
  });

  it('answers 400 for an absolute url, or a dependency not before it', async () => {
    expect(
      (await batch([getUser('1', `https://graph.microsoft.com/v1.0/users/${ordinary.id}`)])).status,
    ).toBe(400);
    expect((await batch([{ ...getUser('1'), dependsOn: ['9'] }])).status).toBe(400);
    // msgraph-sdk-dotnet-core#891: a dependency must come earlier in the array.
    const forward = await batch([{ ...getUser('1'), dependsOn: ['2'] }, getUser('2')]);
    expect([forward.status, forward.body.error?.message]).toEqual([
      400,
      'Invalid dependency for request Id 1.',
    ]);
  });

  it('answers 400 for a batch neither fully sequential nor fully parallel; a chain or one shared dependency passes', async () => {
    // microsoft-graph-docs#16280: the doc's old sample, two independent steps beside a chain.
    const mixed = await batch([getUser('1'), { ...getUser('2'), dependsOn: ['1'] }, getUser('3')]);
    expect([mixed.status, mixed.body.error?.code, mixed.body.error?.message]).toEqual([
      400,
      'BadRequest',
      'Batch should be either fully sequential or fully parallel.',
    ]);
    const chain = [
      getUser('1'),
      { ...getUser('2'), dependsOn: ['1'] },
      { ...getUser('3'), dependsOn: ['2'] },
    ];
    expect((await batch(chain)).status).toBe(200);
    const shared = [
      getUser('1'),
      { ...getUser('2'), dependsOn: ['1'] },
      { ...getUser('3'), dependsOn: ['1'] },
    ];
    expect((await batch(shared)).status).toBe(200);
  });

  it('fails a step whose dependency failed with 424, and runs it when the dependency succeeded', async () => {
    const reply = await batch([
      getUser('1', '/users/nobody@contoso.onmicrosoft.com'),
      { ...getUser('2'), dependsOn: ['1'] },
      { ...getUser('3'), dependsOn: ['2'] },
    ]);
    const passed = await batch([getUser('4'), { ...getUser('5'), dependsOn: ['4'] }]);
    expect([...reply.body.responses, ...passed.body.responses].map((step) => [step.id, step.status])).toEqual(
      [
        ['1', 404],
        ['2', 424],
        ['3', 424],
        ['4', 200],
        ['5', 200],
      ],
    );
    expect(reply.byId('2')?.body?.error?.code).toBe('FailedDependency');
    const ran = fixture.simulator
      .requests()
      .filter((entry) => entry.inBatch)
      .map((entry) => entry.batchStepId);
    expect(ran).toEqual(['1', '4', '5']);
  });

  it('runs steps without dependsOn concurrently, and a dependant only after its dependency answered', async () => {
    // Latency on every step: run one after another, each would be answered before the next arrived.
    fixture.simulator.injectFault({ path: `^/v1\\.0/users/${ordinary.id}$`, latencyMs: 50, count: 4 });
    await batch([getUser('a'), getUser('b')]);
    await batch([getUser('c'), { ...getUser('d'), dependsOn: ['c'] }]);
    const step = (id: string) => fixture.simulator.requests().find((entry) => entry.batchStepId === id);
    // b arrived before a was answered: they overlapped.
    expect(step('b')?.seq).toBeLessThanOrEqual(step('a')?.answeredAfterSeq ?? 0);
    // d arrived only after c was answered.
    expect(step('d')?.seq).toBeGreaterThan(step('c')?.answeredAfterSeq ?? Infinity);
  });

  it('injects faults into steps, with Retry-After in the step headers', async () => {
    fixture.simulator.injectFault({
      method: 'GET',
      path: '/authentication/methods$',
      status: 429,
      retryAfter: 3,
    });
    const reply = await batch([
      { id: 'm', method: 'GET', url: `/users/${ordinary.id}/authentication/methods` },
      getUser('u'),
    ]);
    expect(reply.status).toBe(200);
    expect(reply.byId('m')).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '3' },
      body: { error: { code: 'TooManyRequests' } },
    });
    expect(reply.byId('m')?.headers).not.toHaveProperty('request-id');
    expect(reply.byId('u')?.status).toBe(200);
  });

  it('checks app roles per step', async () => {
    const usersOnly = fixture.identity.mintToken({ roles: ['User.Read.All'] }).accessToken;
    const reply = await batch(
      [getUser('u'), { id: 'm', method: 'GET', url: `/users/${ordinary.id}/authentication/methods` }],
      {
        bearer: usersOnly,
      },
    );
    expect(reply.byId('u')?.status).toBe(200);
    // The doc's inner 403: Graph's error format, innerError with a zone-less date and the ids.
    expect(reply.byId('m')).toMatchObject({
      status: 403,
      body: {
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
          innerError: {
            date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/) as string,
            'request-id': expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
            'client-request-id': expect.any(String) as string,
          },
        },
      },
    });
  });

  it('routes steps through the batch version: beta steps list beta-only types', async () => {
    const step = { id: 'm', method: 'GET', url: `/users/${everyMethod.id}/authentication/methods` };
    const count = async (version: string) =>
      ((await batch([step], { version })).byId('m')?.body?.value as unknown[]).length;
    expect(await count('beta')).toBe(everyMethod.authenticationMethods.length);
    expect(await count('v1.0')).toBe(everyMethod.authenticationMethods.length - 2);
  });

  it('refuses nested batches and logs the batch and each step', async () => {
    const reply = await batch([
      {
        id: 'n',
        method: 'POST',
        url: '/$batch',
        headers: { 'Content-Type': 'application/json' },
        body: { requests: [] },
      },
    ]);
    expect(reply.byId('n')).toMatchObject({ status: 400, body: { error: { code: 'BadRequest' } } });
    expect(fixture.simulator.requests().map((entry) => [entry.path, entry.inBatch])).toEqual([
      ['/v1.0/$batch', false],
      ['/v1.0/$batch', true],
    ]);
  });

  it('needs a valid token for the batch itself, and a well-formed body', async () => {
    const response = await fetch(`${fixture.simulator.url}/v1.0/$batch`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    const malformed = await fetch(`${fixture.simulator.url}/v1.0/$batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fixture.token}`, 'Content-Type': 'application/json' },
      body: '{"requests": "no"}',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { message: 'Invalid batch payload format.' } });
  });

  it('charges each step on its own: one over the limit answers 429 inside a 200 batch, with its Retry-After', async () => {
    // https://learn.microsoft.com/en-us/graph/throttling#throttling-and-batching
    fixture.simulator.setDirectoryThrottling({ resourceUnits: 2, resourceUnitWindowMs: 600_000 });
    try {
      const reply = await batch([getUser('1'), getUser('2', `/users/${everyMethod.id}`), getUser('3')]);
      expect(reply.status).toBe(200);
      const statuses = reply.body.responses.map((step) => step.status).sort();
      expect(statuses).toEqual([200, 200, 429]);
      const throttled = reply.body.responses.find((step) => step.status === 429);
      expect(Number(throttled?.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
      expect(throttled?.headers).toMatchObject({ 'x-ms-throttle-information': 'ResourceUnitLimitExceeded' });
      expect(throttled?.body?.error?.code).toBe('TooManyRequests');
    } finally {
      fixture.simulator.setDirectoryThrottling({});
    }
  });
});
