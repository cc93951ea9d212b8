import { GraphErrors } from '../errors';
import { ok } from '../messages';
import { GRAPH_VERSIONS } from '../openapi-spec';
import type { RouteDefinition } from '../router';
import { METHOD_COLLECTIONS, type MethodCollection } from './method-collections';
import { authenticationContextUrl, lookUpMethod, projectForRequest } from './method-support';
import { lookUpUser } from './user-key';

/**
 * Per-type list and get, `GET /users/{user}/authentication/<collection>[/{id}]` → 200 (e.g.
 * https://learn.microsoft.com/en-us/graph/api/fido2authenticationmethod-get), for the types
 * without a file of their own (phones and TAP have theirs). Items as in the methods list; an id
 * the user doesn't have in that collection is 404 `itemNotFound`, as for delete.
 */

/**
 * Phones and TAP have files of their own; the deprecated passwordless Authenticator has no read path
 * in the subsets.
 */
const READABLE = METHOD_COLLECTIONS.filter(
  (collection) =>
    !['phone', 'temporaryAccessPass', 'passwordlessMicrosoftAuthenticator'].includes(collection.type),
);

/** Where the OpenAPI subset's list permissions fall short of the docs' table. */
const LIST_PERMISSIONS: Partial<Record<MethodCollection['type'], readonly string[]>> = {
  // The subsets list only UserAuthMethod-Passkey.Read.All; the docs' table (fido2authenticationmethod-list,
  // Application row) also lists these.
  fido2: [
    'UserAuthMethod-Passkey.Read.All',
    'UserAuthMethod-Passkey.ReadWrite.All',
    'UserAuthenticationMethod.Read.All',
    'UserAuthenticationMethod.ReadWrite.All',
  ],
};

function listRoute(collection: MethodCollection): RouteDefinition {
  const permissions = LIST_PERMISSIONS[collection.type];
  return {
    method: 'GET',
    template: `/users/{user-id}/authentication/${collection.collection}`,
    versions: collection.versions,
    ...(permissions !== undefined ? { permissions } : {}),
    handle(context) {
      const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
      if (!lookup.ok) return lookup.error;
      const value = context.tenant
        .methodsOf(lookup.user)
        .filter((method) => method.type === collection.type)
        .map((method) => projectForRequest(context, lookup.user, method));
      return ok({
        '@odata.context': authenticationContextUrl(context, lookup.key, collection.collection),
        value,
      });
    },
  };
}

function getRoute(collection: MethodCollection): RouteDefinition {
  return {
    method: 'GET',
    template: `/users/{user-id}/authentication/${collection.collection}/{${collection.idParameter}}`,
    versions: collection.versions,
    handle(context) {
      const lookup = lookUpMethod(context, collection.type, collection.idParameter);
      if (!lookup.ok) return lookup.error;
      return ok({
        '@odata.context': authenticationContextUrl(context, lookup.key, `${collection.collection}/$entity`),
        ...projectForRequest(context, lookup.user, lookup.method),
      });
    },
  };
}

/**
 * GET `/users/{user}/authentication/qrCodePinMethod` (single-valued; as its delete in
 * method-deletion.ts). In v1.0 too (qrcodepinauthenticationmethod-get), though the v1.0 subset
 * lacks the path: its permissions are the docs' Application row, the same as beta's.
 */
const getQrCodePinMethod: RouteDefinition = {
  method: 'GET',
  template: '/users/{user-id}/authentication/qrCodePinMethod',
  versions: GRAPH_VERSIONS,
  permissions: [
    'UserAuthMethod-QR.Read.All',
    'UserAuthMethod-QR.ReadWrite.All',
    'UserAuthenticationMethod.Read.All',
    'UserAuthenticationMethod.ReadWrite.All',
  ],
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const method = context.tenant.methodsOf(lookup.user).find((candidate) => candidate.type === 'qrCodePin');
    if (method === undefined) return GraphErrors.authenticationMethodNotFound('qrCodePinMethod');
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'qrCodePinMethod/$entity'),
      ...projectForRequest(context, lookup.user, method),
    });
  },
};

export const METHOD_READ_ROUTES: readonly RouteDefinition[] = [
  ...READABLE.flatMap((collection) => [listRoute(collection), getRoute(collection)]),
  getQrCodePinMethod,
];
