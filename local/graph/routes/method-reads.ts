import { GraphErrors } from '../errors';
import { ok } from '../messages';
import { GRAPH_VERSIONS, type GraphVersion } from '../openapi-spec';
import type { RouteDefinition } from '../router';
import type { AuthenticationMethodType } from '../seed-schema';
import { authenticationContextUrl, findMethod, methodIdParam, projectForRequest } from './method-support';
import { lookUpUser } from './user-key';

/**
 * Per-type list and get, `GET /users/{user}/authentication/<collection>[/{id}]` → 200 (e.g.
 * https://learn.microsoft.com/en-us/graph/api/fido2authenticationmethod-get), for the types
 * without a file of their own (phones and TAP have theirs). Items as in the methods list; an id
 * the user doesn't have in that collection is 404 `itemNotFound`, as for delete.
 */

interface ReadableCollection {
  type: Exclude<AuthenticationMethodType, 'phone' | 'temporaryAccessPass' | 'qrCodePin'>;
  collection: string;
  /** The item's parameter name in Microsoft's OpenAPI path template. */
  idParameter: string;
  versions: readonly GraphVersion[];
  /** Where the OpenAPI subset's list permissions fall short of the docs' table. */
  listPermissions?: readonly string[];
}

const COLLECTIONS: readonly ReadableCollection[] = [
  {
    type: 'password',
    collection: 'passwordMethods',
    idParameter: 'passwordAuthenticationMethod-id',
    versions: GRAPH_VERSIONS,
  },
  {
    type: 'email',
    collection: 'emailMethods',
    idParameter: 'emailAuthenticationMethod-id',
    versions: GRAPH_VERSIONS,
  },
  {
    type: 'fido2',
    collection: 'fido2Methods',
    idParameter: 'fido2AuthenticationMethod-id',
    versions: GRAPH_VERSIONS,
    // The subsets list only UserAuthMethod-Passkey.Read.All; the docs' table (fido2authenticationmethod-list,
    // Application row) also lists these.
    listPermissions: [
      'UserAuthMethod-Passkey.Read.All',
      'UserAuthMethod-Passkey.ReadWrite.All',
      'UserAuthenticationMethod.Read.All',
      'UserAuthenticationMethod.ReadWrite.All',
    ],
  },
  {
    type: 'microsoftAuthenticator',
    collection: 'microsoftAuthenticatorMethods',
    idParameter: 'microsoftAuthenticatorAuthenticationMethod-id',
    versions: GRAPH_VERSIONS,
  },
  {
    type: 'softwareOath',
    collection: 'softwareOathMethods',
    idParameter: 'softwareOathAuthenticationMethod-id',
    versions: GRAPH_VERSIONS,
  },
  {
    type: 'windowsHelloForBusiness',
    collection: 'windowsHelloForBusinessMethods',
    idParameter: 'windowsHelloForBusinessAuthenticationMethod-id',
    versions: GRAPH_VERSIONS,
  },
  {
    type: 'platformCredential',
    collection: 'platformCredentialMethods',
    idParameter: 'platformCredentialAuthenticationMethod-id',
    versions: GRAPH_VERSIONS,
  },
  {
    type: 'hardwareOath',
    collection: 'hardwareOathMethods',
    idParameter: 'hardwareOathAuthenticationMethod-id',
    versions: ['beta'],
  },
];

function listRoute(collection: ReadableCollection): RouteDefinition {
  return {
    method: 'GET',
    template: `/users/{user-id}/authentication/${collection.collection}`,
    versions: collection.versions,
    ...(collection.listPermissions !== undefined ? { permissions: collection.listPermissions } : {}),
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

function getRoute(collection: ReadableCollection): RouteDefinition {
  return {
    method: 'GET',
    template: `/users/{user-id}/authentication/${collection.collection}/{${collection.idParameter}}`,
    versions: collection.versions,
    handle(context) {
      const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
      if (!lookup.ok) return lookup.error;
      const idParam = methodIdParam(context, collection.idParameter);
      if (!idParam.ok) return idParam.error;
      const { id } = idParam;
      const method = findMethod(context, lookup.user, collection.type, id);
      if (method === undefined) return GraphErrors.authenticationMethodNotFound(id);
      return ok({
        '@odata.context': authenticationContextUrl(context, lookup.key, `${collection.collection}/$entity`),
        ...projectForRequest(context, lookup.user, method),
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
  ...COLLECTIONS.flatMap((collection) => [listRoute(collection), getRoute(collection)]),
  getQrCodePinMethod,
];
