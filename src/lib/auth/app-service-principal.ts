import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';

import type { CallerSettings } from '../config';
import { invalidToken, noCredential } from './challenge';

const PRINCIPAL_HEADER = 'x-ms-client-principal';

const PrincipalSchema = z.object({
  auth_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

/** App Service maps some claim names to their long forms (its "default claim mapping"). */
const CLAIM_NAMES: Record<string, string> = {
  'http://schemas.microsoft.com/identity/claims/objectidentifier': 'oid',
  'http://schemas.microsoft.com/identity/claims/scope': 'scp',
  'http://schemas.microsoft.com/identity/claims/tenantid': 'tid',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/role': 'roles',
};
const MULTI_VALUED = new Set(['roles', 'acrs']);

/**
 * The caller's claims from App Service authentication's `X-MS-CLIENT-PRINCIPAL` (base64 JSON,
 * `{auth_typ, claims: [{typ, val}]}`), which App Service sets after validating the token and
 * strips from outside requests. Read only when APP_SERVICE_AUTH_ENABLED says App Service is in
 * front; audience and issuer are still compared with this app's, so a differently configured
 * App Service authentication can't widen who gets in.
 */
export function claimsFromPrincipal(
  request: HttpRequest,
  token: CallerSettings['token'],
): Record<string, unknown> {
  const header = request.headers.get(PRINCIPAL_HEADER);
  if (!header) throw noCredential();
  let principal;
  try {
    principal = PrincipalSchema.parse(JSON.parse(Buffer.from(header, 'base64').toString('utf8')));
  } catch (error) {
    throw invalidToken('The App Service client principal is not readable.', error);
  }
  const claims: Record<string, unknown> = {};
  for (const { typ, val } of principal.claims) {
    const name = CLAIM_NAMES[typ] ?? typ;
    if (MULTI_VALUED.has(name)) claims[name] = [...((claims[name] as string[] | undefined) ?? []), val];
    else claims[name] ??= val;
  }
  if (typeof claims.aud !== 'string' || !token.audiences.includes(claims.aud)) {
    throw invalidToken("The App Service client principal's audience is not this API.");
  }
  if (typeof claims.iss !== 'string' || !token.issuers.includes(claims.iss)) {
    throw invalidToken("The App Service client principal's issuer is not this tenant.");
  }
  return claims;
}
