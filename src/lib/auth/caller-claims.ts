import { z } from 'zod';

import { GUID } from '../guid';
import type { Caller } from './caller';
import { invalidToken } from './challenge';
import { type Role, ROLES } from './roles';

const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);

const ClaimsSchema = z.looseObject({
  oid: z.string().regex(GUID).optional(),
  /** Delegated tokens carry the scopes the user consented to; application tokens never do. */
  scp: z.string().min(1).optional(),
  appid: z.string().min(1).optional(),
  azp: z.string().min(1).optional(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
  acrs: z.array(z.string()).optional(),
});

/**
 * The caller a validated token (or App Service's principal) describes: `user:{oid}` when a user
 * signed in (the token has `scp`), else `app:{appid|azp}`. Roles the app does not define are ignored.
 */
export function callerFromClaims(claims: Record<string, unknown>): Caller {
  const parsed = ClaimsSchema.safeParse(claims);
  if (!parsed.success) throw invalidToken('The access token does not describe a caller.');
  const { oid, scp, name, roles = [], acrs = [] } = parsed.data;
  const appId = (parsed.data.appid ?? parsed.data.azp)?.toLowerCase();
  const known = {
    roles: new Set(roles.filter((role): role is Role => KNOWN_ROLES.has(role))),
    authContexts: new Set(acrs),
    ...(name ? { name } : {}),
    ...(appId ? { appId } : {}),
  };
  if (scp !== undefined) {
    if (oid === undefined) throw invalidToken('The delegated access token has no oid.');
    return { id: `user:${oid.toLowerCase()}`, kind: 'user', objectId: oid.toLowerCase(), ...known };
  }
  if (appId === undefined) throw invalidToken('The application access token names no client (appid or azp).');
  return {
    id: `app:${appId}`,
    kind: 'application',
    ...(oid ? { objectId: oid.toLowerCase() } : {}),
    ...known,
  };
}
