import { describe, expect, it } from 'vitest';

import { DEMO_SEED_PATH, ODATA_JSON, startGraphSimulator } from '../../local/graph';
import { startIdentityEndpoint } from '../../local/identity';
import { demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';

// Run with NODE_EXTRA_CA_CERTS=local/certs/ca.pem: the simulator serves HTTPS with a local CA.

const ordinary = demoSeedUser('ordinaryUser');
const everyMethod = demoSeedUser('everyMethodUser');
const guest = demoSeedUser('guest');
const dollar = demoSeedUser('dollarUser');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fixture = useGraphSimulator({ identityTenant: true });

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function get(
  path: string,
  options: { token?: string | null; headers?: Record<string, string>; method?: string } = {},
) {
  const bearer = options.token === undefined ? fixture.token : options.token;
  const response = await fetch(`${fixture.simulator.url}${path}`, {
    method: options.method ?? 'GET',
    headers: { ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }), ...options.headers },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

function errorOf(reply: Reply): { code: string; message: string; innerError: Record<string, string> } {
  return reply.body.error as { code: string; message: string; innerError: Record<string, string> };
}

describe('GET /users/{id | userPrincipalName}', () => {
  // The default property set, in Graph's order (https://learn.microsoft.com/en-us/graph/api/user-get).
  const defaultUser = (version: string) => ({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#users/$entity`,
    businessPhones: ordinary.businessPhones,
    displayName: ordinary.displayName,
    givenName: ordinary.givenName,
    jobTitle: ordinary.jobTitle,
    mail: ordinary.mail,
    mobilePhone: ordinary.mobilePhone,
    officeLocation: ordinary.officeLocation,
    preferredLanguage: ordinary.preferredLanguage,
    surname: ordinary.surname,
    userPrincipalName: ordinary.userPrincipalName,
    id: ordinary.id,
  });

  it('finds a user by object id and returns the default property set, in order', async () => {
    const reply = await get(`/v1.0/users/${ordinary.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(defaultUser('v1.0'));
    expect(Object.keys(reply.body)).toEqual(Object.keys(defaultUser('v1.0')));
  });

  it('serves beta too, with the same default properties and a beta context', async () => {
    const reply = await get(`/beta/users/${ordinary.userPrincipalName}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(defaultUser('beta'));
    expect(Object.keys(reply.body)).toEqual(Object.keys(defaultUser('beta')));
  });

  it('answers 404 Request_ResourceNotFound for an object id no user has', async () => {
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    const reply = await get(`/v1.0/users/${unknown}`);
    expect(reply.status).toBe(404);
    expect(errorOf(reply)).toMatchObject({
      code: 'Request_ResourceNotFound',
      message: `Resource '${unknown}' does not exist or one of its queried reference-property objects are not present.`,
    });
  });

  it('reports the directory cost in x-ms-resource-unit, on errors too (throttling-limits doc)', async () => {
    expect((await get(`/v1.0/users/${ordinary.id}`)).headers.get('x-ms-resource-unit')).toBe('1');
    const missing = await get('/v1.0/users/nobody@contoso.onmicrosoft.com');
    expect(missing.headers.get('x-ms-resource-unit')).toBe('1');
    const methods = await get(`/v1.0/users/${ordinary.id}/authentication/methods`);
    expect(methods.headers.get('x-ms-resource-unit')).toBeNull();
  });

  it('costs at least 1 resource unit: $select takes off nothing below it', async () => {
    const selected = await get(`/v1.0/users/${ordinary.id}?$select=displayName`);
    expect(selected.headers.get('x-ms-resource-unit')).toBe('1');
  });

  it('finds a user by UPN whatever its case, and by an upper-case GUID', async () => {
    expect((await get(`/v1.0/users/${ordinary.userPrincipalName.toUpperCase()}`)).body.id).toBe(ordinary.id);
    expect((await get(`/v1.0/users/${ordinary.id.toUpperCase()}`)).body.id).toBe(ordinary.id);
  });

  it('returns only $select-ed properties, with Graph names and a matching context', async () => {
    const reply = await get(
      `/v1.0/users/${ordinary.id}?$select=displayName,ACCOUNTENABLED,userType,department`,
    );
    expect(reply.body).toEqual({
      '@odata.context':
        'https://graph.microsoft.com/v1.0/$metadata#users(displayName,accountEnabled,userType,department)/$entity',
      displayName: ordinary.displayName,
      accountEnabled: true,
      userType: 'Member',
      department: ordinary.department,
    });
  });

  it('returns null for a selectable property the user has no value for', async () => {
    const reply = await get(`/v1.0/users/${ordinary.id}?$select=faxNumber,imAddresses`);
    expect(reply.body).toMatchObject({ faxNumber: null, imAddresses: [] });
  });

  it('answers 400 for a $select property the user type lacks', async () => {
    const reply = await get(`/v1.0/users/${ordinary.id}?$select=displayName,favouriteColour`);
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatchObject({
      code: 'Request_BadRequest',
      message: expect.stringContaining("'favouriteColour'") as string,
    });
  });

  it("answers 400 for a UPN starting with $ in the plain path form, and 200 in the ('…') form", async () => {
    const plain = await get(`/v1.0/users/${dollar.userPrincipalName}`);
    expect(plain.status).toBe(400);
    expect(errorOf(plain).code).toBe('Request_BadRequest');
    const keyed = await get(`/v1.0/users('${dollar.userPrincipalName}')`);
    expect(keyed.status).toBe(200);
    expect(keyed.body.id).toBe(dollar.id);
  });

  it('finds a guest whose #EXT# UPN arrives encoded; an unencoded # cuts the path', async () => {
    const encoded = await get(`/v1.0/users/${guest.userPrincipalName.replaceAll('#', '%23')}`);
    expect(encoded.status).toBe(200);
    expect(encoded.body).toMatchObject({ id: guest.id, userPrincipalName: guest.userPrincipalName });
    const cut = await get(`/v1.0/users/${guest.userPrincipalName}`);
    expect(cut.status).toBe(404);
    expect(errorOf(cut).message).toContain("'lidia.holloway_fabrikam.com'");
  });

  it('answers 404 Request_ResourceNotFound with the full Graph error body and headers', async () => {
    const reply = await get('/v1.0/users/nobody@contoso.onmicrosoft.com', {
      headers: { 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
    });
    expect(reply.status).toBe(404);
    // Plain JSON for errors, as the json-batching doc's directory 403/405 responses show.
    expect(reply.headers.get('content-type')).toBe('application/json');
    const requestId = reply.headers.get('request-id');
    expect(requestId).toMatch(GUID);
    expect(reply.headers.get('client-request-id')).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(reply.body).toEqual({
      error: {
        code: 'Request_ResourceNotFound',
        message:
          "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present.",
        innerError: {
          date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/) as string,
          'request-id': requestId,
          'client-request-id': 'c0ffee00-0000-4000-8000-000000000001',
        },
      },
    });
  });

  it('gives every response a new request-id and a client-request-id', async () => {
    const first = await get(`/v1.0/users/${ordinary.id}`);
    const second = await get(`/v1.0/users/${ordinary.id}`);
    expect(first.headers.get('request-id')).toMatch(GUID);
    expect(first.headers.get('request-id')).not.toBe(second.headers.get('request-id'));
    // None sent: Graph repeats the request-id (bodies quoted in microsoft-graph-docs-contrib#2362).
    expect(first.headers.get('client-request-id')).toBe(first.headers.get('request-id'));
    expect(first.headers.get('content-type')).toBe(ODATA_JSON);
  });
});

describe('identity and access throttling (throttling-limits doc)', () => {
  // Small custom limits over long windows: nothing drains noticeably while a test runs.
  const limited = async (
    settings: Parameters<typeof fixture.simulator.setDirectoryThrottling>[0],
    run: () => Promise<void>,
  ) => {
    fixture.simulator.setDirectoryThrottling(settings);
    try {
      await run();
    } finally {
      fixture.simulator.setDirectoryThrottling({});
    }
  };
  const scope = (limit: string) =>
    `Tenant_Application/${limit}/${fixture.identity.clientId}/${fixture.identity.tenantId}`;

  it('charges resource units per app and tenant and answers 429 with the throttled-response headers', async () => {
    await limited({ resourceUnits: 4, resourceUnitWindowMs: 600_000 }, async () => {
      for (let i = 0; i < 2; i += 1) expect((await get(`/v1.0/users/${ordinary.id}`)).status).toBe(200);
      // transitiveMemberOf costs 2: the bucket is full after it.
      expect((await get(`/v1.0/users/${ordinary.id}/transitiveMemberOf`)).status).toBe(200);
      const throttled = await get(`/v1.0/users/${ordinary.id}`);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(throttled.headers.get('x-ms-throttle-scope')).toBe(scope('ReadWrite'));
      expect(throttled.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
      expect(throttled.headers.get('x-ms-resource-unit')).toBeNull();
      expect(throttled.headers.get('content-type')).toBe('application/json');
      expect(errorOf(throttled)).toMatchObject({
        code: 'TooManyRequests',
        message: 'Please retry again later.',
        innerError: { code: '429', message: 'Please retry after', status: '429' },
      });
      // Other services' limits are their own.
      expect((await get(`/v1.0/users/${ordinary.id}/authentication/methods`)).status).toBe(200);
    });
  });

  it('sends x-ms-throttle-limit-percentage only once more than 0.8 of the limit is used', async () => {
    await limited({ resourceUnits: 5, resourceUnitWindowMs: 600_000 }, async () => {
      const percentages: (string | null)[] = [];
      for (let i = 0; i < 5; i += 1) {
        const reply = await get(`/v1.0/users/${ordinary.id}`);
        expect(reply.headers.get('x-ms-resource-unit')).toBe('1');
        percentages.push(reply.headers.get('x-ms-throttle-limit-percentage'));
      }
      expect(percentages.slice(0, 4)).toEqual([null, null, null, null]);
      expect(Number(percentages[4])).toBeGreaterThan(0.8);
      expect(Number(percentages[4])).toBeLessThanOrEqual(1);
    });
  });

  it('throttles writes past the write limit with WriteLimitExceeded while reads still pass', async () => {
    await limited({ writes: 1, writeWindowMs: 600_000 }, async () => {
      const revoke = `/v1.0/users/${ordinary.id}/revokeSignInSessions`;
      expect((await get(revoke, { method: 'POST' })).status).toBe(200);
      const throttled = await get(revoke, { method: 'POST' });
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('x-ms-throttle-scope')).toBe(scope('Write'));
      expect(throttled.headers.get('x-ms-throttle-information')).toBe('WriteLimitExceeded');
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await get(`/v1.0/users/${ordinary.id}`)).status).toBe(200);
    });
    fixture.simulator.reset();
  });

  it('starts afresh after a reset', async () => {
    await limited({ resourceUnits: 1, resourceUnitWindowMs: 600_000 }, async () => {
      expect((await get(`/v1.0/users/${ordinary.id}`)).status).toBe(200);
      expect((await get(`/v1.0/users/${ordinary.id}`)).status).toBe(429);
      fixture.simulator.reset();
      expect((await get(`/v1.0/users/${ordinary.id}`)).status).toBe(200);
    });
  });
});

describe('GET /users/{id}/authentication/methods', () => {
  type Method = Record<string, unknown> & { '@odata.type': string; id: string };
  const methods = (reply: Reply) => reply.body.value as Method[];

  it("lists every v1.0 method type of a user with each type's properties", async () => {
    const reply = await get(`/v1.0/users/${everyMethod.id}/authentication/methods`);
    expect(reply.status).toBe(200);
    expect(reply.body['@odata.context']).toBe(
      `https://graph.microsoft.com/v1.0/$metadata#users('${everyMethod.id}')/authentication/methods`,
    );
    const listed = methods(reply);
    expect(new Set(listed.map((method) => method['@odata.type']))).toEqual(
      new Set([
        '#microsoft.graph.passwordAuthenticationMethod',
        '#microsoft.graph.phoneAuthenticationMethod',
        '#microsoft.graph.emailAuthenticationMethod',
        '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
        '#microsoft.graph.fido2AuthenticationMethod',
        '#microsoft.graph.softwareOathAuthenticationMethod',
        '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
        '#microsoft.graph.platformCredentialAuthenticationMethod',
        '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      ]),
    );
    expect(listed.find((method) => method.id === '28c10230-6103-485e-b985-444c60001490')).toMatchObject({
      password: null,
    });
    expect(listed.filter((method) => method['@odata.type'].endsWith('phoneAuthenticationMethod'))).toEqual([
      expect.objectContaining({
        id: '3179e48a-750b-4051-897c-87b9720928f7',
        phoneType: 'mobile',
        phoneNumber: '+1 2055550108',
        smsSignInState: 'ready',
      }),
      expect.objectContaining({ id: 'b6332ec1-7057-4abe-9331-3d72feddfe41', phoneType: 'alternateMobile' }),
      expect.objectContaining({ id: 'e37fc753-ff3b-4958-9484-eaa9425c82bc', phoneType: 'office' }),
    ]);
    expect(
      listed.find((method) => method['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod')),
    ).toMatchObject({
      isUsableOnce: true,
      isUsable: false,
      methodUsabilityReason: 'OneTimeUsed',
      temporaryAccessPass: null,
    });
    expect(listed.every((method) => !('lastUsedDateTime' in method))).toBe(true);
  });

  it('adds the beta-only types and properties on beta', async () => {
    const listed = methods(await get(`/beta/users/${everyMethod.id}/authentication/methods`));
    expect(listed.map((method) => method.id).sort()).toEqual(
      everyMethod.authenticationMethods.map((method) => method.id).sort(),
    );
    expect(listed.map((method) => method['@odata.type'])).toEqual(
      expect.arrayContaining([
        '#microsoft.graph.hardwareOathAuthenticationMethod',
        '#microsoft.graph.passwordlessMicrosoftAuthenticatorAuthenticationMethod',
      ]),
    );
    expect(listed.every((method) => 'lastUsedDateTime' in method)).toBe(true);
    const tap = listed.find((method) =>
      method['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod'),
    );
    expect(tap).not.toHaveProperty('isUsable');
  });

  it("lists the ordinary user's several methods by UPN", async () => {
    const reply = await get(`/v1.0/users/${ordinary.userPrincipalName}/authentication/methods`);
    expect(methods(reply).map((method) => method.id)).toEqual(
      ordinary.authenticationMethods.map((method) => method.id),
    );
  });

  it('answers 404 for an unknown user', async () => {
    const reply = await get('/v1.0/users/0c9a6ad2-2a7c-4a0b-9d7e-1b0e2f0b9d11/authentication/methods');
    expect(reply.status).toBe(404);
    expect(errorOf(reply).code).toBe('itemNotFound');
  });
});

describe('authentication and app roles', () => {
  it('answers 401 InvalidAuthenticationToken with a Bearer challenge when the token is missing', async () => {
    const reply = await get(`/v1.0/users/${ordinary.id}`, { token: null });
    expect(reply.status).toBe(401);
    expect(errorOf(reply)).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
    expect(reply.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\//,
    );
  });

  it('answers 401 for a token that is not ours, expired, or for another audience', async () => {
    const other = await startIdentityEndpoint({ tenantId: fixture.identity.tenantId });
    try {
      const tokens = [
        'garbage',
        other.mintToken().accessToken,
        fixture.identity.mintToken({ lifetimeSeconds: -3600 }).accessToken,
        fixture.identity.mintToken({ resource: 'https://vault.azure.net' }).accessToken,
      ];
      for (const bad of tokens)
        expect((await get(`/v1.0/users/${ordinary.id}`, { token: bad })).status).toBe(401);
      const expired = await get(`/v1.0/users/${ordinary.id}`, { token: tokens[2] ?? '' });
      expect(errorOf(expired).message).toBe('Lifetime validation failed, the token is expired.');
      const garbage = await get(`/v1.0/users/${ordinary.id}`, { token: 'garbage' });
      expect(errorOf(garbage)).toMatchObject({
        code: 'InvalidAuthenticationToken',
        message: expect.stringMatching(
          /^IDX14100: JWT is not well formed, there are no dots \(\.\)\.\n/,
        ) as string,
      });
    } finally {
      await other.close();
    }
  });

  it("answers 401 for a token issued for another tenant than the simulator's", async () => {
    const elsewhere = await startGraphSimulator({
      seed: DEMO_SEED_PATH,
      tokenPublicKeyPem: fixture.identity.publicKeyPem,
      tenantId: '0a1b2c3d-0000-4000-8000-000000000000',
    });
    try {
      const response = await fetch(`${elsewhere.url}/v1.0/users/${ordinary.id}`, {
        headers: { Authorization: `Bearer ${fixture.token}` },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: { message: 'Access token validation failure. Invalid issuer.' },
      });
    } finally {
      await elsewhere.close();
    }
  });

  it('answers 403 Authorization_RequestDenied when the token lacks every permission the operation accepts', async () => {
    const noMethodsRole = fixture.identity.mintToken({ roles: ['User.Read.All'] }).accessToken;
    const reply = await get(`/v1.0/users/${ordinary.id}/authentication/methods`, { token: noMethodsRole });
    expect(reply.status).toBe(403);
    expect(errorOf(reply)).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
    expect((await get(`/v1.0/users/${ordinary.id}`, { token: noMethodsRole })).status).toBe(200);
  });

  it('accepts any of the permissions Microsoft lists for the operation', async () => {
    const basic = fixture.identity.mintToken({ roles: ['User.ReadBasic.All'] }).accessToken;
    expect((await get(`/v1.0/users/${ordinary.id}`, { token: basic })).status).toBe(200);
    const readWrite = fixture.identity.mintToken({
      roles: ['UserAuthenticationMethod.ReadWrite.All'],
    }).accessToken;
    expect(
      (await get(`/v1.0/users/${ordinary.id}/authentication/methods`, { token: readWrite })).status,
    ).toBe(200);
    const none = fixture.identity.mintToken({ roles: [] }).accessToken;
    expect((await get(`/v1.0/users/${ordinary.id}`, { token: none })).status).toBe(403);
  });
});

describe('routing', () => {
  it('answers 400 "Resource not found for the segment" for what Graph doesn\'t have', async () => {
    const reply = await get('/v1.0/usres/x');
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatchObject({
      code: 'BadRequest',
      message: "Resource not found for the segment 'usres'.",
    });
    const beta = await get(`/v1.0/users/${ordinary.id}/authentication/hardwareOathMethods`);
    expect(errorOf(beta).message).toBe("Resource not found for the segment 'hardwareOathMethods'.");
  });

  it('answers 405 for a method the path does not support', async () => {
    const reply = await get(`/v1.0/users/${ordinary.id}/authentication/methods`, { method: 'PUT' });
    expect(reply.status).toBe(405);
    expect(errorOf(reply)).toMatchObject({
      code: 'Request_BadRequest',
      message: 'Specified HTTP method is not allowed for the request target.',
    });
  });

  it('answers 501 for a documented operation the simulator does not serve yet, and 400 for an unknown version', async () => {
    const reply = await get(`/v1.0/users/${ordinary.id}/authentication/emailMethods`, { method: 'POST' });
    expect(reply.status).toBe(501);
    expect(errorOf(reply).message).toContain('POST /users/{user-id}/authentication/emailMethods');
    expect((await get(`/v2.0/users/${ordinary.id}`)).status).toBe(400);
  });

  it('lists the routes it serves, for both versions', () => {
    expect(fixture.simulator.routes).toEqual(
      expect.arrayContaining([
        { method: 'GET', version: 'v1.0', template: '/users/{user-id}', inOpenApiSubset: true },
        {
          method: 'GET',
          version: 'beta',
          template: '/users/{user-id}/authentication/methods',
          inOpenApiSubset: true,
        },
        { method: 'POST', version: 'v1.0', template: '/$batch', inOpenApiSubset: true },
      ]),
    );
  });
});
