import { generateKeyPairSync } from 'node:crypto';

import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  DEMO_CALLER_CLIENT_ID,
  DEMO_CALLERS,
  type IdentityEndpoint,
  signJwt,
  startIdentityEndpoint,
} from '../../../local/identity';
import { type Authenticate, createAuthenticator } from '../../../src/lib/auth/authenticate';
import { type CallerSettings, loadCallerSettings } from '../../../src/lib/config';
import { AppError } from '../../../src/lib/http/problem';
import { closedPort } from '../../support/closed-port';

let identity: IdentityEndpoint;
let settings: CallerSettings;
let authenticate: Authenticate;

beforeAll(async () => {
  identity = await startIdentityEndpoint();
  settings = loadCallerSettings({
    CALLER_AUTH: 'entraToken',
    CALLER_TENANT_ID: identity.tenantId,
    CALLER_API_CLIENT_ID: identity.apiClientId,
    CALLER_JWKS_URL: identity.jwksUrl,
  });
  authenticate = createAuthenticator(settings);
});

afterAll(async () => {
  await identity?.close();
});

const request = (headers: Record<string, string>) =>
  new HttpRequest({ method: 'GET', url: 'http://localhost/api/lockouts', headers });
const bearer = (token: string) => request({ authorization: `Bearer ${token}` });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createAuthenticator in entraToken mode', () => {
  it('accepts a v1 delegated token: caller user:{oid}, its name, client, roles and auth contexts', async () => {
    const { helpdesk } = DEMO_CALLERS;
    const token = identity.mintCallerToken({ ...helpdesk, acrs: ['c1'] }).accessToken;
    const caller = await authenticate(bearer(token));
    expect(caller).toEqual({
      id: `user:${helpdesk.oid}`,
      kind: 'user',
      objectId: helpdesk.oid,
      name: helpdesk.name,
      appId: DEMO_CALLER_CLIENT_ID,
      roles: new Set(helpdesk.roles),
      authContexts: new Set(['c1']),
    });
  });

  it('accepts a v2 application token: caller app:{azp}, unknown roles ignored', async () => {
    const clientId = '0f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a10';
    const token = identity.mintCallerToken({
      kind: 'application',
      version: '2.0',
      clientId,
      roles: ['Recovery.Read', 'Something.Else'],
    }).accessToken;
    const caller = await authenticate(bearer(token));
    expect(caller.id).toBe(`app:${clientId}`);
    expect(caller.kind).toBe('application');
    expect([...caller.roles]).toEqual(['Recovery.Read']);
  });

  it('answers a request without a bearer token with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { 'x-functions-key': 'k' },
    ]) {
      const error = await refusal(authenticate(request(headers)));
      expect(error.code).toBe('unauthenticated');
      expect(error.options.wwwAuthenticate).toBe('Bearer');
    }
  });

  const faults: [string, () => string][] = [
    ['wrong audience', () => identity.mintCallerToken({ audience: 'api://someone-else' }).accessToken],
    [
      'wrong issuer',
      () => identity.mintCallerToken({ issuer: 'https://sts.windows.net/another-tenant/' }).accessToken,
    ],
    ['expired', () => identity.mintCallerToken({ lifetimeSeconds: -600 }).accessToken],
    ['not yet valid', () => identity.mintCallerToken({ notBeforeSeconds: 600 }).accessToken],
    [
      'bad signature',
      () => {
        const [header, payload] = identity.mintCallerToken().accessToken.split('.');
        const other = identity.mintCallerToken({ name: 'x' }).accessToken.split('.')[2];
        return `${header}.${payload}.${other}`;
      },
    ],
    [
      'unknown kid',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const claims = identity.mintCallerToken().claims;
        const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        return signJwt({ alg: 'RS256', typ: 'JWT', kid: 'not-in-the-key-set' }, claims, pem);
      },
    ],
    [
      'alg none',
      () => `${segment({ alg: 'none', typ: 'JWT' })}.${segment(identity.mintCallerToken().claims)}.`,
    ],
    ['not a JWT', () => 'not-a-token'],
  ];

  it.each(faults)('refuses a token with %s: 401 invalid_token', async (_name, token) => {
    const error = await refusal(authenticate(bearer(token())));
    expect(error.code).toBe('unauthenticated');
    expect(error.options.wwwAuthenticate).toBe('Bearer error="invalid_token"');
  });

  it('accepts a token that expired within the clock skew', async () => {
    const token = identity.mintCallerToken({ lifetimeSeconds: -(settings.token.clockSkewSeconds - 20) });
    await expect(authenticate(bearer(token.accessToken))).resolves.toMatchObject({ kind: 'user' });
  });

  it('never reads X-MS-CLIENT-PRINCIPAL unless App Service authentication is on', async () => {
    const forged = Buffer.from(
      JSON.stringify({
        claims: [
          { typ: 'roles', val: 'Recovery.Admin' },
          { typ: 'scp', val: 'x' },
        ],
      }),
    ).toString('base64');
    const error = await refusal(
      authenticate(request({ 'x-ms-client-principal': forged, 'x-ms-client-principal-name': 'admin' })),
    );
    expect(error.code).toBe('unauthenticated');
  });

  it('answers 503 caller_check_unavailable, not 401, when the key set cannot be read', async () => {
    const unreachable = createAuthenticator({
      ...settings,
      token: {
        ...settings.token,
        jwksUrl: `http://127.0.0.1:${await closedPort()}/keys`,
        jwksTimeoutMs: 2000,
      },
    });
    const error = await refusal(unreachable(bearer(identity.mintCallerToken().accessToken)));
    expect(error.code).toBe('caller_check_unavailable');
  });
});

describe('createAuthenticator with App Service authentication on', () => {
  const principal = (claims: { typ: string; val: string }[]) =>
    request({
      'x-ms-client-principal': Buffer.from(JSON.stringify({ auth_typ: 'aad', claims })).toString('base64'),
    });

  it('reads the caller from the principal App Service passes on, with its long claim names', async () => {
    const authenticateBehindAppService = createAuthenticator({ ...settings, appServiceAuth: true });
    const oid = DEMO_CALLERS.approver.oid;
    const caller = await authenticateBehindAppService(
      principal([
        { typ: 'aud', val: `api://${identity.apiClientId}` },
        { typ: 'iss', val: `https://sts.windows.net/${identity.tenantId}/` },
        { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: oid },
        { typ: 'http://schemas.microsoft.com/identity/claims/scope', val: 'access_as_user' },
        { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Recovery.Read' },
        { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Recovery.Approve' },
        { typ: 'appid', val: DEMO_CALLER_CLIENT_ID },
      ]),
    );
    expect(caller).toMatchObject({
      id: `user:${oid}`,
      kind: 'user',
      roles: new Set(['Recovery.Read', 'Recovery.Approve']),
    });
  });

  it('refuses a principal for another audience, and a request with none', async () => {
    const authenticateBehindAppService = createAuthenticator({ ...settings, appServiceAuth: true });
    const other = principal([
      { typ: 'aud', val: 'api://another-api' },
      { typ: 'iss', val: `https://sts.windows.net/${identity.tenantId}/` },
      { typ: 'appid', val: DEMO_CALLER_CLIENT_ID },
    ]);
    expect((await refusal(authenticateBehindAppService(other))).code).toBe('unauthenticated');
    expect((await refusal(authenticateBehindAppService(request({})))).options.wwwAuthenticate).toBe('Bearer');
  });
});

describe('createAuthenticator in functionKey mode', () => {
  it('is the one function-key caller with FUNCTION_KEY_ROLES, whatever the request says', async () => {
    const keyed = createAuthenticator(loadCallerSettings({ FUNCTION_KEY_ROLES: 'Recovery.Read' }));
    const caller = await keyed(bearer(identity.mintCallerToken(DEMO_CALLERS.admin).accessToken));
    expect(caller).toMatchObject({
      id: 'function-key',
      kind: 'functionKey',
      roles: new Set(['Recovery.Read']),
    });
  });
});

describe('loadCallerSettings', () => {
  it('needs the tenant and the API client id in entraToken mode', () => {
    expect(() => loadCallerSettings({ CALLER_AUTH: 'entraToken' })).toThrow(
      /CALLER_TENANT_ID.*\n.*CALLER_API_CLIENT_ID/,
    );
  });

  it('derives both issuers, both audiences and Entra key set from the tenant and client id', () => {
    const tenant = '2f85a001-1450-4f57-8ed3-c840c8849cd8';
    const client = '5d0f8e34-3c3a-4a0e-9d61-0a4b1f6c2e77';
    const { token } = loadCallerSettings({
      CALLER_AUTH: 'entraToken',
      CALLER_TENANT_ID: tenant,
      CALLER_API_CLIENT_ID: client,
    });
    expect(token.issuers).toEqual([
      `https://sts.windows.net/${tenant}/`,
      `https://login.microsoftonline.com/${tenant}/v2.0`,
    ]);
    expect(token.audiences).toEqual([client, `api://${client}`]);
    expect(token.jwksUrl).toBe(`https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`);
  });

  it('refuses a function key with Privileged or Approve, and a plain-http key set off loopback', () => {
    expect(() => loadCallerSettings({ FUNCTION_KEY_ROLES: 'Recovery.Read,Recovery.Approve' })).toThrow(
      /FUNCTION_KEY_ROLES/,
    );
    expect(() => loadCallerSettings({ CALLER_JWKS_URL: 'http://example.com/keys' })).toThrow(
      /CALLER_JWKS_URL/,
    );
    expect(() => loadCallerSettings({ APP_SERVICE_AUTH_ENABLED: 'true' })).toThrow(
      /APP_SERVICE_AUTH_ENABLED/,
    );
  });
});
