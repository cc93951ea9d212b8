import type { Role } from '../auth/roles';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP operation of the API. `operationId` is the name the function registers under and the
 * id the OpenAPI documents give it; `route` is the Functions route below `/api`.
 */
export interface ApiOperation {
  operationId: string;
  method: HttpVerb;
  route: string;
  summary: string;
  /**
   * Who may call: `public` (no caller), `caller` (any authenticated caller; the role depends on
   * what the request touches), or the app role a caller needs (docs/callers.md).
   */
  access: Role | 'public' | 'caller';
}

/** Every HTTP operation the app registers; a unit test holds the registrations to this list. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'health',
    method: 'GET',
    route: 'health',
    summary: 'Check the service and its dependencies',
    access: 'public',
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    route: 'openapi.json',
    summary: 'Get this API description (OpenAPI 3.1)',
    access: 'public',
  },
  {
    operationId: 'getApiReference',
    method: 'GET',
    route: 'docs',
    summary: 'Open the interactive API reference',
    access: 'public',
  },
  {
    operationId: 'getApiReferenceAsset',
    method: 'GET',
    route: 'docs/{asset}',
    summary: "Get a file of the API reference's page",
    access: 'public',
  },
  {
    operationId: 'getUserMethods',
    method: 'GET',
    route: 'users/{user}/methods',
    summary: "List a user's authentication methods",
    access: 'Recovery.Read',
  },
  {
    operationId: 'resetMfa',
    method: 'POST',
    route: 'users/{user}/mfa/reset',
    summary: 'Remove every removable method and revoke sessions',
    access: 'Recovery.Reset',
  },
  {
    operationId: 'deleteMethod',
    method: 'DELETE',
    route: 'users/{user}/methods/{methodId}',
    summary: 'Remove one authentication method',
    access: 'Recovery.Reset',
  },
  {
    operationId: 'issueTap',
    method: 'POST',
    route: 'users/{user}/tap',
    summary: 'Issue a Temporary Access Pass',
    access: 'Recovery.IssueTap',
  },
  {
    operationId: 'addPhone',
    method: 'POST',
    route: 'users/{user}/methods/phone',
    summary: 'Add a backup phone',
    access: 'Recovery.AddMethod',
  },
  {
    operationId: 'revokeSessions',
    method: 'POST',
    route: 'users/{user}/sessions/revoke',
    summary: "Revoke the user's sign-in sessions",
    access: 'Recovery.Reset',
  },
  {
    operationId: 'suspendMfa',
    method: 'POST',
    route: 'users/{user}/mfa/suspend',
    summary: 'Suspend per-user MFA for a few minutes',
    access: 'Recovery.SuspendMfa',
  },
  {
    operationId: 'restoreMfa',
    method: 'DELETE',
    route: 'users/{user}/mfa/suspend',
    summary: 'Restore per-user MFA now',
    access: 'Recovery.SuspendMfa',
  },
  {
    operationId: 'listAudit',
    method: 'GET',
    route: 'audit',
    summary: 'List audit entries, newest first',
    access: 'Recovery.Read',
  },
  {
    operationId: 'listLockouts',
    method: 'GET',
    route: 'lockouts',
    summary: 'List flagged users',
    access: 'Recovery.Read',
  },
  {
    operationId: 'getLockout',
    method: 'GET',
    route: 'lockouts/{user}',
    summary: "Get a user's lockout flag",
    access: 'Recovery.Read',
  },
  // The role depends on the flag's category (docs/callers.md).
  {
    operationId: 'updateLockout',
    method: 'PATCH',
    route: 'lockouts/{user}',
    summary: 'Acknowledge or resolve a lockout flag',
    access: 'caller',
  },
  // Any authenticated caller may read an approval it can see (docs/approvals.md).
  {
    operationId: 'getApproval',
    method: 'GET',
    route: 'approvals/{id}',
    summary: 'Get a request waiting for a second person',
    access: 'caller',
  },
  {
    operationId: 'approveRequest',
    method: 'POST',
    route: 'approvals/{id}/approve',
    summary: 'Approve a request as a second person',
    access: 'Recovery.Approve',
  },
  {
    operationId: 'denyRequest',
    method: 'POST',
    route: 'approvals/{id}/deny',
    summary: 'Deny a request as a second person',
    access: 'Recovery.Approve',
  },
  {
    operationId: 'getServiceWrites',
    method: 'GET',
    route: 'service/writes',
    summary: 'Read the kill switch',
    access: 'Recovery.Read',
  },
  {
    operationId: 'putServiceWrites',
    method: 'PUT',
    route: 'service/writes',
    summary: 'Switch changes on or off',
    access: 'Recovery.Admin',
  },
  {
    operationId: 'releaseBrake',
    method: 'POST',
    route: 'brake/release',
    summary: 'Release the mass-recovery brake',
    access: 'Recovery.Admin',
  },
];
