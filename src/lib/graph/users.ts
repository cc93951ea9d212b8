import type { Client } from '@microsoft/microsoft-graph-client';
import type { User } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';

import { AppError } from '../http/problem';
import type { UserReference } from '../http/user-reference';
import { toAppError } from './errors';
import { userPath } from './user-path';

export type DirectoryUser = Required<
  Pick<User, 'id' | 'userPrincipalName' | 'displayName' | 'accountEnabled' | 'userType'>
>;

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
  try {
    const found = (await graph
      .api(userPath(user))
      .header('client-request-id', clientRequestId)
      .select(USER_PROPERTIES)
      .get()) as DirectoryUser;
    // Only the selected properties: no OData annotations leak into this API's responses.
    const { id, userPrincipalName, displayName, accountEnabled, userType } = found;
    return { id, userPrincipalName, displayName, accountEnabled, userType };
  } catch (error) {
    throw toAppError(error, userNotFound(user));
  }
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
  let page: unknown;
  try {
    page = await graph
      .api(`${userPath(user)}/authentication/methods`)
      .version('beta')
      .header('client-request-id', clientRequestId)
      .get();
  } catch (error) {
    throw toAppError(error, userNotFound(user));
  }
  const parsed = MethodsPageSchema.safeParse(page);
  if (!parsed.success) {
    throw new AppError(
      'graph_rejected_request',
      'Microsoft Graph answered the methods list in a shape the app cannot read.',
    );
  }
  return parsed.data.value;
}
