import { z } from 'zod';

import { GUID } from '../guid';

// Entra allows A-Z a-z 0-9 ' . - _ ! # ^ ~ in a UPN's local part; `$` appears in Microsoft's own
// examples and `#EXT#` marks a guest. Nothing else (no '/', spaces, '%', quotes other than ') passes,
// so an identifier can never reach Graph as a path or filter fragment.
const UPN_LOCAL = /^[A-Za-z0-9'_!#^~$+-]+(\.[A-Za-z0-9'_!#^~$+-]+)*$/;
const UPN_DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const MAX_UPN_LENGTH = 256;

export type UserReference = { kind: 'id'; id: string } | { kind: 'upn'; upn: string };

function isUserPrincipalName(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.length > MAX_UPN_LENGTH) return false;
  return UPN_LOCAL.test(value.slice(0, at)) && UPN_DOMAIN.test(value.slice(at + 1));
}

/** `{user}` in every route: an Entra object id (GUID) or a userPrincipalName. */
export const UserReferenceSchema = z
  .string()
  .refine((value) => GUID.test(value) || isUserPrincipalName(value), {
    error: 'must be an object id (GUID) or a userPrincipalName such as adele@contoso.com',
  })
  .transform((value): UserReference =>
    GUID.test(value) ? { kind: 'id', id: value.toLowerCase() } : { kind: 'upn', upn: value },
  );
