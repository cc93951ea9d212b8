import type { HttpRequest } from '@azure/functions';

import type { Caller } from './caller';
import { requireRole } from './caller';
import { DEFAULT_FUNCTION_KEY_ROLES, type Role } from './roles';

/** In function-key mode the host has checked the key before the app runs; it does not say which. */
const FUNCTION_KEY_CALLER: Caller = {
  id: 'function-key',
  kind: 'functionKey',
  roles: new Set(DEFAULT_FUNCTION_KEY_ROLES),
  authContexts: new Set(),
};

/**
 * Establishes who sent the request (401 `unauthenticated` when nobody valid did). Every route but
 * health calls this (or `requireCaller`) before reading anything else from the request.
 */
export function authenticate(_request: HttpRequest): Promise<Caller> {
  return Promise.resolve(FUNCTION_KEY_CALLER);
}

/** The caller, refused with 403 `forbidden` unless it holds `role`. */
export async function requireCaller(request: HttpRequest, role: Role): Promise<Caller> {
  const caller = await authenticate(request);
  requireRole(caller, role);
  return caller;
}
