import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import type { UserReference } from '../http/user-reference';
import { readObject } from './graph-object';
import { userPath } from './user-path';

const DirectoryUserSchema = z.looseObject({
  id: z.string().min(1),
  userPrincipalName: z.string(),
  displayName: z.string().nullable().optional(),
  accountEnabled: z.boolean().nullable().optional(),
  userType: z.string().nullable().optional(),
});

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  accountEnabled: boolean | null;
  userType: string | null;
}

const USER_PROPERTIES = ['id', 'userPrincipalName', 'displayName', 'accountEnabled', 'userType'];

const MethodSchema = z.looseObject({ '@odata.type': z.string(), id: z.string().min(1) });
const MethodsPageSchema = z.looseObject({ value: z.array(MethodSchema) });

/** A registered authentication method as Graph returns it: `@odata.type` plus that type's properties. */
export type GraphAuthenticationMethod = z.infer<typeof MethodSchema>;

const userNotFound = (user: UserReference) => ({
  notFound: {
    code: 'user_not_found' as const,
    detail: `No user ${user.kind === 'id' ? user.id : user.upn} in the tenant.`,
  },
});

export async function getUser(
  graph: Client,
  user: UserReference,
  clientRequestId: string,
): Promise<DirectoryUser> {
  // Only the selected properties: no OData annotations leak into this API's responses.
  const { id, userPrincipalName, displayName, accountEnabled, userType } = await readObject(
    graph,
    { path: `${userPath(user)}?$select=${USER_PROPERTIES.join(',')}`, clientRequestId, what: 'user' },
    DirectoryUserSchema,
    userNotFound(user),
  );
  return {
    id,
    userPrincipalName,
    displayName: displayName ?? null,
    accountEnabled: accountEnabled ?? null,
    userType: userType ?? null,
  };
}

/**
 * Beta, because only beta lists every registered type (hardware OATH tokens, passwordless
 * Authenticator, QR code + PIN): a method a look-up cannot see is one a reset cannot remove.
 */
export async function listAuthenticationMethods(
  graph: Client,
  user: UserReference,
  clientRequestId: string,
): Promise<GraphAuthenticationMethod[]> {
  const page = await readObject(
    graph,
    {
      path: `${userPath(user)}/authentication/methods`,
      version: 'beta',
      clientRequestId,
      what: 'methods list',
    },
    MethodsPageSchema,
    userNotFound(user),
  );
  return page.value;
}
