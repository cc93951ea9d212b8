import { GraphErrors } from '../errors';
import type { HandlerResult } from '../messages';
import { clearOrphanedDefault, isBlockedAsDefault } from '../method-rules';
import { GRAPH_VERSIONS, type GraphVersion } from '../openapi-spec';
import { ODATA_JSON } from '../response';
import type { RouteContext, RouteDefinition } from '../router';
import type { AuthenticationMethodSeed, AuthenticationMethodType, UserSeed } from '../seed-schema';
import { findMethod, methodIdParam } from './method-support';
import { lookUpUser } from './user-key';

/**
 * Per-type DELETE `/users/{user}/authentication/<collection>/{id}` → 204 (e.g.
 * https://learn.microsoft.com/en-us/graph/api/phoneauthenticationmethod-delete). There is no
 * delete for app callers through `/authentication/methods/{id}` and none for `passwordMethods`
 * (Deletable=false): the router answers both 405, as for any documented path without that
 * method (inferred status, authentication-methods.md §2).
 */

interface DeletableCollection {
  type: Exclude<AuthenticationMethodType, 'password' | 'qrCodePin'>;
  collection: string;
  /** The item's parameter name in Microsoft's OpenAPI path template. */
  idParameter: string;
  versions: readonly GraphVersion[];
  /** Only for operations the OpenAPI subsets don't describe: the documented application permissions. */
  permissions?: readonly string[];
}

const COLLECTIONS: readonly DeletableCollection[] = [
  {
    type: 'phone',
    collection: 'phoneMethods',
    idParameter: 'phoneAuthenticationMethod-id',
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
    type: 'temporaryAccessPass',
    collection: 'temporaryAccessPassMethods',
    idParameter: 'temporaryAccessPassAuthenticationMethod-id',
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
  {
    // Deprecated beta API; its page lists only UserAuthenticationMethod.ReadWrite.All for apps
    // (passwordlessmicrosoftauthenticatorauthenticationmethod-delete, beta).
    type: 'passwordlessMicrosoftAuthenticator',
    collection: 'passwordlessMicrosoftAuthenticatorMethods',
    idParameter: 'passwordlessMicrosoftAuthenticatorAuthenticationMethod-id',
    versions: ['beta'],
    permissions: ['UserAuthenticationMethod.ReadWrite.All'],
  },
];

/**
 * Graph refuses to remove a Windows Hello key without MFA, passing the device registration
 * service's own error body through (observed, delegated, msgraph-sdk-powershell#2518: the body
 * starts as below and continues with a `values` array the report truncates). The status is not
 * shown there: 400 is inferred from `invalid_request`.
 */
function removeKeyRequiresMfa(): HandlerResult {
  return {
    kind: 'response',
    status: 400,
    headers: { 'Content-Type': ODATA_JSON },
    body: {
      'odata.error': {
        code: 'invalid_request',
        message: { lang: 'en', value: "MFA is required for a 'RemoveKey' operation, but was not performed." },
      },
    },
  };
}

/** Why Graph refuses to delete this method, if it does. */
function refusal(user: UserSeed, method: AuthenticationMethodSeed): HandlerResult | undefined {
  if (method.type === 'windowsHelloForBusiness' && method.deleteRequiresMfa === true) {
    return removeKeyRequiresMfa();
  }
  if (isBlockedAsDefault(user, method)) {
    // Observed body (microsoft-graph-docs#14470).
    return GraphErrors.authenticationBadRequest(
      'Cannot delete default method with other methods configured. Please change default method before deletion.',
    );
  }
  if (
    method.type === 'phone' &&
    method.phoneType === 'mobile' &&
    user.authenticationMethods.some((m) => m.type === 'phone' && m.phoneType === 'alternateMobile')
  ) {
    // The rule is documented (phoneauthenticationmethod-delete: update the mobile number instead);
    // the wording is inferred.
    return GraphErrors.authenticationBadRequest(
      'Cannot delete the mobile phone while an alternate mobile phone is registered. Update the mobile phone number instead.',
    );
  }
  return undefined;
}

function deleteMethod(
  context: RouteContext,
  method: AuthenticationMethodSeed,
  user: UserSeed,
): HandlerResult {
  const refused = refusal(user, method);
  if (refused !== undefined) return refused;
  context.tenant.removeMethod(user, method.id);
  clearOrphanedDefault(user);
  return { kind: 'response', status: 204 };
}

function deleteRoute(collection: DeletableCollection): RouteDefinition {
  return {
    method: 'DELETE',
    template: `/users/{user-id}/authentication/${collection.collection}/{${collection.idParameter}}`,
    versions: collection.versions,
    ...(collection.permissions !== undefined ? { permissions: collection.permissions } : {}),
    handle(context) {
      const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
      if (!lookup.ok) return lookup.error;
      const idParam = methodIdParam(context, collection.idParameter);
      if (!idParam.ok) return idParam.error;
      const { id } = idParam;
      const method = findMethod(context, lookup.user, collection.type, id);
      if (method === undefined) return GraphErrors.authenticationMethodNotFound(id);
      return deleteMethod(context, method, lookup.user);
    },
  };
}

/**
 * DELETE `/users/{user}/authentication/qrCodePinMethod` (single-valued). In v1.0 too
 * (qrcodepinauthenticationmethod-delete), though the v1.0 subset lacks the path: its permissions
 * are the docs' Application row, the same as beta's (authentication-delete-qrcodepinmethod).
 */
const deleteQrCodePinMethod: RouteDefinition = {
  method: 'DELETE',
  template: '/users/{user-id}/authentication/qrCodePinMethod',
  versions: GRAPH_VERSIONS,
  permissions: ['UserAuthMethod-QR.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'],
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const method = context.tenant.methodsOf(lookup.user).find((candidate) => candidate.type === 'qrCodePin');
    if (method === undefined) return GraphErrors.authenticationMethodNotFound('qrCodePinMethod');
    return deleteMethod(context, method, lookup.user);
  },
};

export const METHOD_DELETION_ROUTES: readonly RouteDefinition[] = [
  ...COLLECTIONS.map(deleteRoute),
  deleteQrCodePinMethod,
];
