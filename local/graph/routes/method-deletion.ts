import { GraphErrors } from '../errors';
import type { HandlerResult } from '../messages';
import { clearOrphanedDefault, isBlockedAsDefault } from '../method-rules';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { ODATA_JSON } from '../response';
import type { RouteContext, RouteDefinition } from '../router';
import type { AuthenticationMethodSeed, UserSeed } from '../seed-schema';
import { METHOD_COLLECTIONS, type MethodCollection } from './method-collections';
import { lookUpMethod } from './method-support';
import { lookUpUser } from './user-key';

/**
 * Per-type DELETE `/users/{user}/authentication/<collection>/{id}` → 204 (e.g.
 * https://learn.microsoft.com/en-us/graph/api/phoneauthenticationmethod-delete). There is no
 * delete for app callers through `/authentication/methods/{id}` and none for `passwordMethods`
 * (Deletable=false): the router answers both 405, as for any documented path without that
 * method (inferred status; [obs] microsoftgraph/msgraph-sdk-powershell#937).
 */

/** Password methods are Deletable=false; the router answers 405 for them. */
const DELETABLE = METHOD_COLLECTIONS.filter((collection) => collection.type !== 'password');

/** Only for operations the OpenAPI subsets don't describe: the documented application permissions. */
const DELETE_PERMISSIONS: Partial<Record<MethodCollection['type'], readonly string[]>> = {
  // Deprecated beta API. Its page's "Permissions acting on other users" table lists
  // UserAuthenticationMethod.ReadWrite.All and UserAuthMethod-MicrosoftAuthApp.ReadWrite.All for
  // apps (acting on self: the first only), https://learn.microsoft.com/en-us/graph/api/
  // passwordlessmicrosoftauthenticatorauthenticationmethod-delete?view=graph-rest-beta
  passwordlessMicrosoftAuthenticator: [
    'UserAuthenticationMethod.ReadWrite.All',
    'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All',
  ],
};

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

function deleteRoute(collection: MethodCollection): RouteDefinition {
  const permissions = DELETE_PERMISSIONS[collection.type];
  return {
    method: 'DELETE',
    template: `/users/{user-id}/authentication/${collection.collection}/{${collection.idParameter}}`,
    versions: collection.versions,
    ...(permissions !== undefined ? { permissions } : {}),
    handle(context) {
      const lookup = lookUpMethod(context, collection.type, collection.idParameter);
      return lookup.ok ? deleteMethod(context, lookup.method, lookup.user) : lookup.error;
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
  ...DELETABLE.map(deleteRoute),
  deleteQrCodePinMethod,
];
