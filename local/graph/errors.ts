import { GRAPH_APP_ID } from './graph-ids';
import type { GraphErrorSpec } from './messages';

/**
 * Graph error bodies and the errors the simulator raises. Codes and messages follow Microsoft's
 * docs or responses observed in public issues (https://learn.microsoft.com/en-us/graph/errors); the ones
 * marked "inferred" are guesses where no source was found. Clients must not branch on messages.
 */

export interface GraphErrorBody {
  error: { code: string; message: string; innerError: Record<string, string> };
}

/** `innerError.date` is UTC without a zone designator, as Graph sends it ("2025-02-13T10:17:06"). */
export function graphDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19);
}

export function graphErrorBody(
  spec: GraphErrorSpec,
  ids: { requestId: string; clientRequestId: string },
  now: Date = new Date(),
): GraphErrorBody {
  return {
    error: {
      code: spec.code,
      message: spec.message,
      innerError: {
        date: graphDate(now),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
        ...spec.innerError,
      },
    },
  };
}

function error(
  status: number,
  code: string,
  message: string,
  extra: Partial<GraphErrorSpec> = {},
): GraphErrorSpec {
  return { kind: 'error', status, code, message, ...extra };
}

/** Graph's challenge on 401 (Microsoft docs show this value for an unauthenticated Graph call). */
export const GRAPH_WWW_AUTHENTICATE = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`;

export const GraphErrors = {
  invalidAuthenticationToken: (message: string) =>
    error(401, 'InvalidAuthenticationToken', message, {
      headers: { 'WWW-Authenticate': GRAPH_WWW_AUTHENTICATE },
    }),

  insufficientPrivileges: () =>
    error(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),

  resourceNotFoundForSegment: (segment: string) =>
    error(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),

  /**
   * `/me` needs a signed-in user, so Graph refuses it for app-only tokens (user-get docs; body
   * observed, msgraph-sdk-php#1163).
   */
  meNeedsDelegatedToken: () =>
    error(400, 'BadRequest', '/me request is only valid with delegated authentication flow.'),

  /** Inferred wording; Graph answers an unknown version with 400. */
  invalidVersion: (version: string) => error(400, 'BadRequest', `Invalid version: ${version}`),

  methodNotAllowed: () =>
    error(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),

  directoryObjectNotFound: (key: string) =>
    error(
      404,
      'Request_ResourceNotFound',
      `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
    ),

  /**
   * The directory's answer to a key that can't be an object id: [obs] for a group's name
   * (Azure/active-directory-dotnet-graphapi-b2bportal-web#16, AzureAD/microsoft-authentication-library-for-dotnet#1321);
   * for a UPN starting with `$` in path form (user-get: 400) the body is inferred.
   */
  invalidObjectIdentifier: (key: string) =>
    error(400, 'Request_BadRequest', `Invalid object identifier '${key}'.`),

  /** Directory wording for an unknown `$select` property (inferred from memory of real responses). */
  unknownProperty: (property: string, typeName: string) =>
    error(400, 'Request_BadRequest', `Could not find a property named '${property}' on type '${typeName}'.`),

  /**
   * The authentication-methods service answers with lower-case codes (`badRequest` observed); for an
   * unknown user no body was found in any source, so `itemNotFound` and this message are inferred.
   */
  authenticationUserNotFound: (key: string) => error(404, 'itemNotFound', `User '${key}' was not found.`),

  malformedBody: (message: string) => error(400, 'BadRequest', message),

  /** OData's refusal of a body it can't read as the operation's type (request-validation.ts). */
  requestBodyRead: (message: string) => error(400, 'RequestBodyRead', message),

  /**
   * The authentication-methods service's 400. The observed bodies (default-method delete, TAP
   * lifetime: [obs] microsoftgraph/microsoft-graph-docs#14470, #12187) use `badRequest` and repeat
   * the message in
   * `innerError`; other messages passed here are inferred unless their call site says otherwise.
   */
  authenticationBadRequest: (message: string) =>
    error(400, 'badRequest', message, { innerError: { message } }),

  /** A method id the user doesn't have (in that collection); code as for an unknown user, wording inferred. */
  authenticationMethodNotFound: (id: string) =>
    error(404, 'itemNotFound', `Authentication method '${id}' was not found.`),

  /** An authentication method configuration id Graph doesn't have; code and wording inferred. */
  authenticationMethodConfigurationNotFound: (id: string) =>
    error(404, 'itemNotFound', `Authentication method configuration '${id}' was not found.`),

  /** Graph's throttling body, as in https://learn.microsoft.com/en-us/graph/throttling ("Sample response"). */
  tooManyRequests: (headers: Record<string, string> = {}) =>
    error(429, 'TooManyRequests', 'Please retry again later.', {
      headers,
      innerError: { code: '429', message: 'Please retry after', status: '429' },
    }),

  /** A path Microsoft documents but the simulator does not serve yet. */
  notImplemented: (method: string, template: string) =>
    error(501, 'notImplemented', `The Graph simulator does not implement ${method} ${template} yet.`),
} as const;

/** Codes Graph uses for statuses a test injects (generic codes from https://learn.microsoft.com/en-us/graph/errors). */
const FAULT_CODES: Record<number, string> = {
  400: 'invalidRequest',
  401: 'InvalidAuthenticationToken',
  403: 'accessDenied',
  404: 'itemNotFound',
  409: 'conflict',
  423: 'resourceLocked',
  500: 'generalException',
  502: 'badGateway',
  503: 'serviceNotAvailable',
  504: 'gatewayTimeout',
};

/** The error an injected fault produces, as Graph would send it for that status. */
export function faultError(status: number): GraphErrorSpec {
  if (status === 429) return GraphErrors.tooManyRequests();
  const code = FAULT_CODES[status] ?? (status >= 500 ? 'generalException' : 'invalidRequest');
  return error(status, code, `Injected fault: status ${status}.`);
}
