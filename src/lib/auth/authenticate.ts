import type { HttpRequest } from '@azure/functions';

import { type CallerSettings, loadCallerSettings } from '../config';
import { claimsFromPrincipal } from './app-service-principal';
import type { Caller } from './caller';
import { requireRole } from './caller';
import { callerFromClaims } from './caller-claims';
import { invalidToken, noCredential } from './challenge';
import type { Role } from './roles';
import { createTokenValidator } from './token-validator';

export type Authenticate = (request: HttpRequest) => Promise<Caller>;

/** The bearer token of an `Authorization` header (RFC 6750 §2.1). */
function bearerToken(request: HttpRequest): string {
  const header = request.headers.get('authorization');
  const match = header === null ? null : /^Bearer(?:\s+(\S*))?\s*$/i.exec(header);
  if (match === null) throw noCredential();
  if (!match[1]) throw invalidToken('The Bearer credential is empty.');
  return match[1];
}

/**
 * How this deployment tells callers apart (docs/callers.md):
 * - functionKey: the host has checked the key before the app runs and does not say which, so
 *   every key-holder is one caller, `function-key`, with FUNCTION_KEY_ROLES;
 * - entraToken: the app checks the bearer token itself, or, when App Service authentication is
 *   on, reads the principal App Service passes on instead of checking the token twice.
 * Principal headers are never read otherwise: anyone can send them.
 */
export function createAuthenticator(settings: CallerSettings): Authenticate {
  if (settings.mode === 'functionKey') {
    const caller: Caller = {
      id: 'function-key',
      kind: 'functionKey',
      roles: settings.functionKeyRoles,
      authContexts: new Set(),
    };
    return () => Promise.resolve(caller);
  }
  if (settings.appServiceAuth) {
    return (request) =>
      Promise.resolve().then(() => callerFromClaims(claimsFromPrincipal(request, settings.token)));
  }
  const validate = createTokenValidator(settings.token);
  return async (request) => callerFromClaims(await validate(bearerToken(request)));
}

let processAuthenticator: Authenticate | undefined;

/**
 * Establishes who sent the request (401 `unauthenticated` when nobody valid did). Every route but
 * health calls this (or `requireCaller`) before reading anything else from the request.
 */
export function authenticate(request: HttpRequest): Promise<Caller> {
  processAuthenticator ??= createAuthenticator(loadCallerSettings());
  return processAuthenticator(request);
}

/** The caller, refused with 403 `forbidden` unless it holds `role` (every one, if several). */
export async function requireCaller(request: HttpRequest, role: Role | readonly Role[]): Promise<Caller> {
  const caller = await authenticate(request);
  for (const required of typeof role === 'string' ? [role] : role) requireRole(caller, required);
  return caller;
}
