import { type AccessTokenClaims, verifyAccessToken, type VerifyFailure } from '../identity';
import { GraphErrors } from './errors';
import { GRAPH_AUDIENCES } from './graph-ids';
import type { GraphErrorSpec } from './messages';

export type AuthenticationResult =
  { ok: true; claims: AccessTokenClaims } | { ok: false; error: GraphErrorSpec };

// Messages as Graph words them where public responses show it; "Invalid …" details are inferred.
const FAILURE_MESSAGES: Record<VerifyFailure | 'wrong_tenant', string> = {
  malformed: 'Access token validation failure. Invalid token format.',
  bad_signature: 'Access token validation failure. Invalid signature.',
  expired: 'Lifetime validation failed, the token is expired.',
  not_yet_valid: 'Lifetime validation failed, the token is not yet valid.',
  wrong_audience: 'Access token validation failure. Invalid audience.',
  wrong_tenant: 'Access token validation failure. Invalid issuer.',
};

const NOT_A_JWT =
  "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EncodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.";

/** Checks the bearer token on every call: signature (the identity endpoint's key), lifetime, audience, tenant. */
export function authenticate(
  authorization: string | undefined,
  publicKeyPem: string,
  tenantId: string,
): AuthenticationResult {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (token === undefined) {
    return { ok: false, error: GraphErrors.invalidAuthenticationToken('Access token is empty.') };
  }
  // [obs] MaikuB/flutter_appauth#575 (2024-12): Graph's answer to a token that isn't a JWS/JWE at all.
  if (!token.includes('.')) {
    return { ok: false, error: GraphErrors.invalidAuthenticationToken(NOT_A_JWT) };
  }
  const verified = verifyAccessToken(token, publicKeyPem, { audiences: GRAPH_AUDIENCES });
  if (!verified.ok) {
    return { ok: false, error: GraphErrors.invalidAuthenticationToken(FAILURE_MESSAGES[verified.reason]) };
  }
  if (verified.claims.tid.toLowerCase() !== tenantId.toLowerCase()) {
    return { ok: false, error: GraphErrors.invalidAuthenticationToken(FAILURE_MESSAGES.wrong_tenant) };
  }
  return verified;
}

/** The app-role check: the token must carry one of the operation's application permissions. */
export function authorize(
  claims: AccessTokenClaims,
  permissions: readonly string[] | 'anyValidToken',
): boolean {
  if (permissions === 'anyValidToken') return true;
  const roles = claims.roles ?? [];
  return permissions.some((permission) => roles.includes(permission));
}
