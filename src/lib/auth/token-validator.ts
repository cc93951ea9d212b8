import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };

import type { CallerSettings } from '../config';
import { AppError } from '../http/problem';
import { invalidToken } from './challenge';

export type ValidateToken = (token: string) => Promise<JWTPayload>;

/** jose's codes for a token that is not acceptable, as opposed to a key set that can't be read. */
const TOKEN_FAULTS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'The access token has expired.',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'The access token is not acceptable here',
  ERR_JWT_INVALID: 'The access token is not a valid JWT.',
  ERR_JWS_INVALID: 'The access token is not a valid JWS.',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "The access token's signature is not valid.",
  ERR_JOSE_ALG_NOT_ALLOWED: 'The access token must be signed with RS256.',
  ERR_JOSE_NOT_SUPPORTED: 'The access token must be signed with RS256.',
  ERR_JWKS_NO_MATCHING_KEY: "The access token's signing key is not one of the tenant's.",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "The access token's signing key is ambiguous.",
};

function tokenFault(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const described = TOKEN_FAULTS[String(error.code)];
  if (described === undefined || error.code !== 'ERR_JWT_CLAIM_VALIDATION_FAILED') return described;
  const claim = 'claim' in error ? String(error.claim) : 'a';
  return claim === 'nbf' ? 'The access token is not valid yet.' : `${described} (its ${claim} claim).`;
}

/**
 * Checks an Entra ID access token for this API: RS256 signature by a key of the tenant's key set
 * (fetched within `jwksTimeoutMs`, cached, fetched again when a token names an unknown `kid`),
 * issuer (the tenant's v1 or v2 form), audience (client id or App ID URI), `exp` and `nbf` within
 * a small skew. A bad token is 401 `invalid_token`; an unreachable key set is 503, not the caller's fault.
 */
export function createTokenValidator(settings: CallerSettings['token']): ValidateToken {
  // jose is an ES module: loaded on first use, its key set (and cache) kept for the process.
  const verifier = import('jose').then(({ createRemoteJWKSet, jwtVerify }) => {
    const keySet = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: settings.jwksTimeoutMs });
    return (token: string, options: Parameters<typeof jwtVerify>[2]) => jwtVerify(token, keySet, options);
  });
  return async (token) => {
    const verify = await verifier;
    try {
      const { payload } = await verify(token, {
        algorithms: ['RS256'],
        issuer: [...settings.issuers],
        audience: [...settings.audiences],
        clockTolerance: settings.clockSkewSeconds,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      const fault = tokenFault(error);
      if (fault !== undefined) throw invalidToken(fault, error);
      throw new AppError('caller_check_unavailable', "The tenant's token signing keys could not be read.", {
        cause: error,
      });
    }
  };
}
