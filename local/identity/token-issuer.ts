import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

import { type AccessTokenClaims, signJwt } from './jwt';

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

export interface TokenIssuer {
  identity: ManagedIdentity;
  publicKeyPem: string;
  issue(options: IssueOptions): IssuedToken;
}

/** Signs Entra-shaped app-only tokens with an RSA key pair made for this process only. */
export function createTokenIssuer(identity: ManagedIdentity): TokenIssuer {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const kid = createHash('sha256').update(publicKeyPem).digest('base64url').slice(0, 27);
  const issuer = `https://sts.windows.net/${identity.tenantId}/`;

  return {
    identity,
    publicKeyPem,
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
      const accessToken = signJwt({ alg: 'RS256', typ: 'JWT', kid }, claims, privateKeyPem);
      return { accessToken, expiresOn: claims.exp, claims };
    },
  };
}
