import { createHash, generateKeyPairSync, type JsonWebKey, randomBytes, randomUUID } from 'node:crypto';

import { type CallerTokenOptions, DEFAULT_API_CLIENT_ID, DEMO_CALLER_CLIENT_ID } from './caller-tokens';
import { type AccessTokenClaims, type CallerTokenClaims, signJwt } from './jwt';

export interface ManagedIdentity {
  tenantId: string;
  /** The application (client) id, `appid` in tokens and `client_id` in the App Service protocol. */
  clientId: string;
  /** The service principal's object id, `oid` in tokens. */
  principalId: string;
}

export interface IssueOptions {
  resource: string;
  roles: readonly string[];
  /** Token lifetime; 1 hour by default. Negative values mint already-expired tokens for tests. */
  lifetimeSeconds?: number;
  nowSeconds?: number;
}

export interface IssuedToken {
  accessToken: string;
  expiresOn: number;
  claims: AccessTokenClaims;
}

export interface IssuedCallerToken {
  accessToken: string;
  claims: CallerTokenClaims;
}

export interface TokenIssuer {
  identity: ManagedIdentity;
  publicKeyPem: string;
  /** The signing key as a JWK set entry (`kid`, `alg`, `use`), as Entra's discovery keys list it. */
  publicJwk: JsonWebKey & { kid: string };
  issue(options: IssueOptions): IssuedToken;
  /** A token for the app's own API (`apiClientId`), as a caller would get it from Entra. */
  issueCallerToken(options?: CallerTokenOptions): IssuedCallerToken;
}

/** Signs Entra-shaped app-only tokens with an RSA key pair made for this process only. */
export function createTokenIssuer(
  identity: ManagedIdentity,
  apiClientId: string = DEFAULT_API_CLIENT_ID,
): TokenIssuer {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const kid = createHash('sha256').update(publicKeyPem).digest('base64url').slice(0, 27);
  const issuer = `https://sts.windows.net/${identity.tenantId}/`;
  const header = { alg: 'RS256', typ: 'JWT', kid } as const;

  return {
    identity,
    publicKeyPem,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    issueCallerToken(options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const version = options.version ?? '1.0';
      const oid = options.oid ?? randomUUID();
      const clientId = options.clientId ?? DEMO_CALLER_CLIENT_ID;
      const notBefore = now + (options.notBeforeSeconds ?? 0);
      const claims: CallerTokenClaims = {
        aud: options.audience ?? (version === '1.0' ? `api://${apiClientId}` : apiClientId),
        iss:
          options.issuer ??
          (version === '1.0' ? issuer : `https://login.microsoftonline.com/${identity.tenantId}/v2.0`),
        iat: now,
        nbf: notBefore,
        exp: notBefore + (options.lifetimeSeconds ?? 3600),
        tid: identity.tenantId,
        oid,
        sub: oid,
        ...(version === '1.0' ? { appid: clientId } : { azp: clientId }),
        ...((options.kind ?? 'user') === 'user' ? { scp: 'access_as_user' } : {}),
        ...(options.name ? { name: options.name } : {}),
        ...(options.roles && options.roles.length > 0 ? { roles: [...options.roles] } : {}),
        ...(options.acrs && options.acrs.length > 0 ? { acrs: [...options.acrs] } : {}),
        ver: version,
        uti: randomBytes(16).toString('base64url'),
      };
      return { accessToken: signJwt(header, claims, privateKeyPem), claims };
    },
    issue({ resource, roles, lifetimeSeconds = 3600, nowSeconds = Math.floor(Date.now() / 1000) }) {
      const claims: AccessTokenClaims = {
        aud: resource,
        iss: issuer,
        iat: nowSeconds,
        nbf: nowSeconds,
        exp: nowSeconds + lifetimeSeconds,
        tid: identity.tenantId,
        oid: identity.principalId,
        sub: identity.principalId,
        appid: identity.clientId,
        azp: identity.clientId,
        appidacr: '2',
        idp: issuer,
        idtyp: 'app',
        ver: '1.0',
        ...(roles.length > 0 ? { roles: [...roles] } : {}),
        uti: randomBytes(16).toString('base64url'),
      };
      const accessToken = signJwt(header, claims, privateKeyPem);
      return { accessToken, expiresOn: claims.exp, claims };
    },
  };
}
