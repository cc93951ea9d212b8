import { AppError } from '../http/problem';

/** RFC 6750 §3.1: a request with no credential at all gets a challenge without an error code. */
export const noCredential = (): AppError =>
  new AppError('unauthenticated', 'Send an Entra ID access token for this API as a Bearer token.', {
    wwwAuthenticate: 'Bearer',
  });

/** RFC 6750 §3.1 `invalid_token`: expired, revoked, malformed or otherwise not acceptable. */
export const invalidToken = (detail: string, cause?: unknown): AppError =>
  new AppError('unauthenticated', detail, {
    wwwAuthenticate: 'Bearer error="invalid_token"',
    ...(cause === undefined ? {} : { cause }),
  });

/**
 * A claims challenge for a Conditional Access authentication context, in the form Microsoft
 * documents for APIs (learn.microsoft.com/entra/identity-platform/claims-challenge): 401 with
 * `error="insufficient_claims"` and the claims request `{"access_token":{"acrs":{"essential":true,
 * "value":"<context>"}}}`, base64-encoded, which the client passes to its next token request.
 */
export function stepUpChallenge(tenantId: string, authContext: string): AppError {
  const claims = Buffer.from(
    JSON.stringify({ access_token: { acrs: { essential: true, value: authContext } } }),
  ).toString('base64');
  return new AppError(
    'step_up_required',
    `Acting on this account needs a sign-in that satisfies authentication context ${authContext}.`,
    {
      wwwAuthenticate:
        `Bearer realm="${tenantId}", authorization_uri="https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/authorize", ` +
        `error="insufficient_claims", claims="${claims}"`,
    },
  );
}
