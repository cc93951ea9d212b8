import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import {
  type AccessTokenClaims,
  DEFAULT_APP_ROLES,
  type IdentityEndpoint,
  startIdentityEndpoint,
  verifyAccessToken,
} from '../../local/identity';

const GRAPH = 'https://graph.microsoft.com';
/** Under MSAL's 5-minute renewal margin, so every getToken reaches the endpoint (see below). */
const SHORT_LIFETIME = 240;

let identity: IdentityEndpoint;

beforeAll(async () => {
  identity = await startIdentityEndpoint({ tokenLifetimeSeconds: SHORT_LIFETIME });
});

afterEach(() => {
  identity.setRoles(DEFAULT_APP_ROLES);
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await identity?.close();
});

function tokenUrl(query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ 'api-version': '2019-08-01', resource: GRAPH, ...query });
  return `${identity.url}?${params.toString()}`;
}

/** `header: null` sends no X-IDENTITY-HEADER at all. */
async function requestToken(query: Record<string, string> = {}, header: string | null = identity.header) {
  const response = await fetch(tokenUrl(query), {
    headers: header === null ? {} : { 'X-IDENTITY-HEADER': header },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function claimsOf(token: unknown): AccessTokenClaims {
  const verified = verifyAccessToken(String(token), identity.publicKeyPem);
  if (!verified.ok) throw new Error(`token did not verify: ${verified.reason}`);
  return verified.claims;
}

describe('managed-identity endpoint (App Service protocol)', () => {
  it('issues a Graph token whose claims are those of an app-only managed-identity token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { status, body } = await requestToken();
    expect(status).toBe(200);
    expect(body).toMatchObject({ resource: GRAPH, token_type: 'Bearer', client_id: identity.clientId });
    const claims = claimsOf(body.access_token);
    expect(claims).toMatchObject({
      aud: GRAPH,
      iss: `https://sts.windows.net/${identity.tenantId}/`,
      tid: identity.tenantId,
      oid: identity.principalId,
      appid: identity.clientId,
      azp: identity.clientId,
      idtyp: 'app',
      roles: [...DEFAULT_APP_ROLES],
    });
    expect(claims.exp - claims.iat).toBe(SHORT_LIFETIME);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(body.expires_on).toBe(String(claims.exp));
  });

  it('issues one-hour tokens unless told otherwise', async () => {
    const other = await startIdentityEndpoint();
    try {
      const response = await fetch(`${other.url}?api-version=2019-08-01&resource=${GRAPH}`, {
        headers: { 'X-IDENTITY-HEADER': other.header },
      });
      const body = (await response.json()) as { access_token: string };
      const verified = verifyAccessToken(body.access_token, other.publicKeyPem);
      expect(verified.ok && verified.claims.exp - verified.claims.iat).toBe(3600);
    } finally {
      await other.close();
    }
  });

  it('fails the next requests as told, then recovers', async () => {
    identity.failNextRequests({ status: 503, count: 2 });
    expect((await requestToken()).status).toBe(503);
    expect((await requestToken()).status).toBe(503);
    expect((await requestToken()).status).toBe(200);
  });

  it('puts exactly the least-privilege app roles into tokens by default', () => {
    // What the list holds, and why, is checked in test/unit/graph-simulator/app-roles.test.ts.
    expect(identity.mintToken().claims.roles).toEqual([...DEFAULT_APP_ROLES]);
    expect(DEFAULT_APP_ROLES).toContain('UserAuthMethod-TAP.ReadWrite.All');
    expect(DEFAULT_APP_ROLES).not.toContain('UserAuthenticationMethod.ReadWrite.All');
  });

  it('rejects a wrong X-IDENTITY-HEADER with 401 and an App Service error body', async () => {
    const { status, body } = await requestToken({}, 'not-the-secret');
    expect(status).toBe(401);
    expect(body).toMatchObject({ statusCode: 401, message: expect.any(String) as string });
    expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).not.toHaveProperty('access_token');
  });

  it('rejects a request without X-IDENTITY-HEADER', async () => {
    expect((await requestToken({}, null)).status).toBe(401);
  });

  it('answers 400 for another api-version, a missing resource, or an unknown client id', async () => {
    expect((await requestToken({ 'api-version': '2017-09-01' })).status).toBe(400);
    const noResource = await fetch(`${identity.url}?api-version=2019-08-01`, {
      headers: { 'X-IDENTITY-HEADER': identity.header },
    });
    expect(noResource.status).toBe(400);
    expect(await noResource.json()).toMatchObject({ statusCode: 400 });
    const unknown = await requestToken({ client_id: '00000000-0000-0000-0000-000000000001' });
    expect(unknown).toMatchObject({
      status: 400,
      body: { message: 'Unable to load the proper Managed Identity.' },
    });
    expect((await requestToken({ client_id: identity.clientId })).status).toBe(200);
  });

  it('puts roles set with setRoles into later tokens, while earlier tokens keep theirs', async () => {
    const earlier = claimsOf((await requestToken()).body.access_token);
    identity.setRoles(['User.Read.All']);
    const later = claimsOf((await requestToken()).body.access_token);
    expect(later.roles).toEqual(['User.Read.All']);
    expect(earlier.roles).toEqual([...DEFAULT_APP_ROLES]);
    identity.setRoles([]);
    expect(claimsOf((await requestToken()).body.access_token)).not.toHaveProperty('roles');
  });

  it('gives a token for the audience that was asked for', async () => {
    const { body } = await requestToken({ resource: 'https://vault.azure.net' });
    expect(claimsOf(body.access_token).aud).toBe('https://vault.azure.net');
  });
});

describe('verifyAccessToken', () => {
  it('rejects a token whose payload was altered', () => {
    const [header, , signature] = identity.mintToken().accessToken.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...identity.mintToken().claims, roles: ['Directory.ReadWrite.All'] }),
    );
    const token = `${header}.${forged.toString('base64url')}.${signature}`;
    expect(verifyAccessToken(token, identity.publicKeyPem)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it("rejects a token signed by another endpoint's key", async () => {
    const other = await startIdentityEndpoint();
    try {
      const result = verifyAccessToken(other.mintToken().accessToken, identity.publicKeyPem);
      expect(result).toEqual({ ok: false, reason: 'bad_signature' });
    } finally {
      await other.close();
    }
  });

  it('rejects expired tokens and other audiences, and garbage', () => {
    const expired = identity.mintToken({ lifetimeSeconds: -3600 }).accessToken;
    expect(verifyAccessToken(expired, identity.publicKeyPem)).toEqual({ ok: false, reason: 'expired' });
    const vault = identity.mintToken({ resource: 'https://vault.azure.net' }).accessToken;
    expect(verifyAccessToken(vault, identity.publicKeyPem, { audiences: [GRAPH] })).toEqual({
      ok: false,
      reason: 'wrong_audience',
    });
    expect(verifyAccessToken('not.a.jwt', identity.publicKeyPem)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('@azure/identity ManagedIdentityCredential against the endpoint', () => {
  // MSAL keeps the managed-identity source (endpoint and secret) and its token cache in static
  // fields: the first credential in a process fixes the endpoint and secret for every later one,
  // and a fresh credential gets the cached token until 5 minutes before it expires. This file
  // therefore uses one endpoint, issuing short-lived tokens; vitest runs other files in other workers.
  const newCredential = () => {
    vi.stubEnv('IDENTITY_ENDPOINT', identity.url);
    vi.stubEnv('IDENTITY_HEADER', identity.header);
    return new ManagedIdentityCredential({ clientId: identity.clientId });
  };

  it('gets a Graph token through the App Service source when IDENTITY_ENDPOINT/IDENTITY_HEADER are set', async () => {
    const credential = newCredential();
    const token = await credential.getToken(`${GRAPH}/.default`);
    expect(token.tokenType).toBe('Bearer');
    const claims = claimsOf(token.token);
    expect(claims).toMatchObject({ aud: GRAPH, appid: identity.clientId, roles: [...DEFAULT_APP_ROLES] });
    // MSAL turns expires_on into expires_in against its clock and converts it back later, so a
    // second boundary between the two readings shifts the result by one second.
    expect(Math.abs(token.expiresOnTimestamp - claims.exp * 1000)).toBeLessThanOrEqual(1000);
  });

  it('gives a fresh credential the roles set since, when tokens live under 5 minutes', async () => {
    const first = await newCredential().getToken(`${GRAPH}/.default`);
    identity.setRoles(['User.Read.All']);
    const second = await newCredential().getToken(`${GRAPH}/.default`);
    expect(claimsOf(first.token).roles).toEqual([...DEFAULT_APP_ROLES]);
    expect(claimsOf(second.token).roles).toEqual(['User.Read.All']);
  });

  it('turns a refused token request into a credential error', async () => {
    identity.failNextRequests({ status: 401, message: 'Unauthorized' });
    const before = identity.requestCount();
    await expect(newCredential().getToken(`${GRAPH}/.default`)).rejects.toThrow(/ManagedIdentityCredential/);
    expect(identity.requestCount()).toBe(before + 1);
  });
});
