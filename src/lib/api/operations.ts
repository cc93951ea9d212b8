import type { z } from 'zod';

import type { Role } from '../auth/roles';
import { AuditQuerySchema } from '../http/audit-query';
import { LockoutQuerySchema, LockoutUpdateSchema } from '../http/lockout-query';
import type { ProblemCode } from '../http/problem';
import { LockoutReportQuerySchema, RegistrationUsersQuerySchema } from '../http/report-query';
import { BrakeReleaseSchema, WritesSwitchSchema } from '../limits/service-controls';
import {
  ActionBaseSchema,
  AddPhoneSchema,
  IssueTapSchema,
  RecoverUserSchema,
  ResetMfaSchema,
  SuspendMfaSchema,
} from '../recovery/action-schemas';
import {
  ACTION_ERRORS,
  BODY_ERRORS,
  CALLER_ERRORS,
  CONTROL_ERRORS,
  GRAPH_ERRORS,
  USER_ERRORS,
  USER_READ_ERRORS,
} from './error-codes';
import { LockoutReportSchema, RegistrationReportSchema, RegistrationUsersPageSchema } from './report-schemas';
import {
  ActionResultSchema,
  ApiDescriptionSchema,
  ApprovalRequestedSchema,
  ApprovalSchema,
  AuditPageSchema,
  HealthReportSchema,
  LockoutPageSchema,
  LockoutSchema,
  PhoneResultSchema,
  ServiceStateSchema,
  TapResultSchema,
  UserMethodsSchema,
} from './response-schemas';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A success answer: its status, what it means and the schema of its JSON body. */
export interface ApiResponse {
  status: number;
  description: string;
  schema: z.ZodType;
}

/**
 * One HTTP operation of the API. `operationId` is the name the function registers under and the
 * id the OpenAPI documents give it; `route` is the Functions route below `/api`. Path parameters
 * are described from their names (src/lib/api/path-parameters.ts); everything optional here has a
 * default in the documents, so a new entry is described as soon as it is added.
 */
export interface ApiOperation {
  operationId: string;
  method: HttpVerb;
  route: string;
  summary: string;
  /**
   * Who may call: `public` (no caller), `caller` (any authenticated caller; the role depends on
   * what the request touches), or the app role(s) a caller needs, all of them (docs/callers.md).
   */
  access: Role | readonly Role[] | 'public' | 'caller';
  /** A sentence or two for the documents; the summary (with a period) when absent. */
  description?: string;
  /** The query string schema the handler parses. */
  query?: z.ZodType;
  /** The JSON body schema the handler parses, and an example body. */
  body?: z.ZodType;
  example?: unknown;
  /** The request headers it reads besides the credential and `x-correlation-id`. */
  headers?: readonly ('Idempotency-Key' | 'Approval-Id')[];
  /** Success answers; 200 with any JSON object when absent. */
  responses?: readonly ApiResponse[];
  /** The problem codes it can answer (src/lib/api/error-codes.ts); derived from `access` when absent. */
  errors?: readonly ProblemCode[];
  /**
   * The answer is for a browser, not JSON: `html`, a web page; `file`, one of a page's files
   * (script, stylesheet, image). The documents describe it so; the connector leaves it out.
   */
  page?: 'html' | 'file';
}

const DECISION_ERRORS: readonly ProblemCode[] = [
  ...CALLER_ERRORS,
  'invalid_request',
  'approval_not_found',
  'self_approval',
  'approval_decided',
  'approval_expired',
  'audit_unavailable',
];

const ACTION_HEADERS = ['Idempotency-Key', 'Approval-Id'] as const;

const ACTION_EXAMPLE = {
  ticket: 'INC0042',
  reason: 'Lost phone',
  verification: { method: 'video_call', reference: 'Teams call with manager present' },
};

const approvalRequested: ApiResponse = {
  status: 202,
  description: 'The account is protected: a second person must approve; repeat the request with Approval-Id.',
  schema: ApprovalRequestedSchema,
};

/** A mutating action on a user: its body, its success answer, the 202 of a protected target. */
const action = (body: z.ZodType, success: ApiResponse, example: unknown = ACTION_EXAMPLE) => ({
  body,
  example,
  headers: ACTION_HEADERS,
  responses: [success, approvalRequested],
  errors: ACTION_ERRORS,
});

const done = (description: string, schema: z.ZodType = ActionResultSchema): ApiResponse => ({
  status: 200,
  description,
  schema,
});

/** Every HTTP operation the app registers; a unit test holds the registrations to this list. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'health',
    method: 'GET',
    route: 'health',
    summary: 'Check the service and its dependencies',
    access: 'public',
    responses: [
      done('Every dependency answered.', HealthReportSchema),
      { status: 503, description: 'A dependency is unhealthy.', schema: HealthReportSchema },
    ],
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    route: 'openapi.json',
    summary: 'Get this API description (OpenAPI 3.1)',
    access: 'public',
    responses: [done('The OpenAPI 3.1 document.', ApiDescriptionSchema)],
  },
  {
    operationId: 'getSwaggerDocument',
    method: 'GET',
    route: 'swagger.json',
    summary: 'Get this API description (Swagger 2.0)',
    access: 'public',
    description: 'The same description in Swagger 2.0, for tools such as custom connectors.',
    responses: [done('The Swagger 2.0 document.', ApiDescriptionSchema)],
  },
  {
    operationId: 'getApiReference',
    method: 'GET',
    route: 'docs',
    summary: 'Open the interactive API reference',
    access: 'public',
    page: 'html',
  },
  {
    operationId: 'getApiReferenceAsset',
    method: 'GET',
    route: 'docs/{asset}',
    summary: "Get a file of the API reference's page",
    access: 'public',
    page: 'file',
    errors: ['not_found'],
  },
  {
    operationId: 'getUserMethods',
    method: 'GET',
    route: 'users/{user}/methods',
    summary: "List a user's authentication methods",
    access: 'Recovery.Read',
    responses: [done('The user and every registered method.', UserMethodsSchema)],
    errors: USER_READ_ERRORS,
  },
  {
    operationId: 'resetMfa',
    method: 'POST',
    route: 'users/{user}/mfa/reset',
    summary: 'Remove every removable method and revoke sessions',
    access: 'Recovery.Reset',
    description:
      'Removes every removable authentication method (or the types named), revokes sessions and confirms nothing in scope remains.',
    ...action(ResetMfaSchema, done('The reset ran; `outcome` says whether it is complete.')),
  },
  {
    operationId: 'deleteMethod',
    method: 'DELETE',
    route: 'users/{user}/methods/{methodId}',
    summary: 'Remove one authentication method',
    access: 'Recovery.Reset',
    ...action(ActionBaseSchema, done('The method was removed.')),
    errors: [...ACTION_ERRORS, 'method_not_found', 'method_not_removable'],
  },
  {
    operationId: 'issueTap',
    method: 'POST',
    route: 'users/{user}/tap',
    summary: 'Issue a Temporary Access Pass',
    access: 'Recovery.IssueTap',
    ...action(
      IssueTapSchema,
      { status: 201, description: 'The pass, shown once.', schema: TapResultSchema },
      {
        ...ACTION_EXAMPLE,
        lifetimeMinutes: 60,
        isUsableOnce: true,
      },
    ),
    errors: [...ACTION_ERRORS, 'tap_policy_disabled'],
  },
  {
    operationId: 'recoverUser',
    method: 'POST',
    route: 'users/{user}/recover',
    summary: 'Reset MFA, revoke sessions, then issue a Temporary Access Pass',
    access: ['Recovery.Reset', 'Recovery.IssueTap'],
    description:
      'Removes every removable method (or the types named), revokes sessions, confirms nothing in scope remains, and only then issues a Temporary Access Pass (docs/recover.md).',
    ...action(
      RecoverUserSchema,
      done('`complete` carries the pass, shown once; `partial` issued none and says why in `tap.reason`.'),
      { ...ACTION_EXAMPLE, lifetimeMinutes: 60, isUsableOnce: true },
    ),
  },
  {
    operationId: 'addPhone',
    method: 'POST',
    route: 'users/{user}/methods/phone',
    summary: 'Add a backup phone',
    access: 'Recovery.AddMethod',
    ...action(AddPhoneSchema, done('The phone was added.', PhoneResultSchema), {
      ...ACTION_EXAMPLE,
      phoneNumber: '+1 425 555 0100',
      phoneType: 'mobile',
    }),
    errors: [...ACTION_ERRORS, 'method_exists'],
  },
  {
    operationId: 'revokeSessions',
    method: 'POST',
    route: 'users/{user}/sessions/revoke',
    summary: "Revoke the user's sign-in sessions",
    access: 'Recovery.Reset',
    ...action(ActionBaseSchema, done('Sessions were revoked.')),
  },
  {
    operationId: 'suspendMfa',
    method: 'POST',
    route: 'users/{user}/mfa/suspend',
    summary: 'Suspend per-user MFA for a few minutes',
    access: 'Recovery.SuspendMfa',
    ...action(SuspendMfaSchema, done('Per-user MFA is suspended.'), { ...ACTION_EXAMPLE, minutes: 15 }),
  },
  {
    operationId: 'restoreMfa',
    method: 'DELETE',
    route: 'users/{user}/mfa/suspend',
    summary: 'Restore per-user MFA now',
    access: 'Recovery.SuspendMfa',
    ...action(ActionBaseSchema, done('Per-user MFA is restored.')),
    errors: [...ACTION_ERRORS, 'suspension_not_found'],
  },
  {
    operationId: 'listAudit',
    method: 'GET',
    route: 'audit',
    summary: 'List audit entries, newest first',
    access: 'Recovery.Read',
    query: AuditQuerySchema,
    responses: [done('One page of audit entries.', AuditPageSchema)],
    errors: [...CALLER_ERRORS, ...USER_ERRORS, ...GRAPH_ERRORS, 'audit_unavailable'],
  },
  {
    operationId: 'listLockouts',
    method: 'GET',
    route: 'lockouts',
    summary: 'List flagged users',
    access: 'Recovery.Read',
    query: LockoutQuerySchema,
    responses: [done('One page of lockout flags.', LockoutPageSchema)],
    errors: [...CALLER_ERRORS, 'invalid_request'],
  },
  {
    operationId: 'getLockout',
    method: 'GET',
    route: 'lockouts/{user}',
    summary: "Get a user's lockout flag",
    access: 'Recovery.Read',
    responses: [done("The user's flag.", LockoutSchema)],
    errors: [...CALLER_ERRORS, 'invalid_request', 'lockout_not_found'],
  },
  // The role depends on the flag's category (docs/callers.md).
  {
    operationId: 'updateLockout',
    method: 'PATCH',
    route: 'lockouts/{user}',
    summary: 'Acknowledge or resolve a lockout flag',
    access: 'caller',
    body: LockoutUpdateSchema,
    example: { status: 'resolved', ticket: 'INC0042' },
    responses: [done('The flag as changed.', LockoutSchema)],
    errors: [
      ...CALLER_ERRORS,
      ...BODY_ERRORS,
      'lockout_not_found',
      'lockout_transition_invalid',
      'lockout_changed',
      'audit_unavailable',
    ],
  },
  {
    operationId: 'getRegistrationReport',
    method: 'GET',
    route: 'reports/registration',
    summary: 'Get registration readiness per class and its trend',
    access: 'Recovery.Read',
    description: "Users per registration class from the latest scan, and every kept scan's counts.",
    responses: [done('The latest counts and the trend.', RegistrationReportSchema)],
    errors: [...CALLER_ERRORS, 'reports_unavailable'],
  },
  {
    operationId: 'listRegistrationUsers',
    method: 'GET',
    route: 'reports/registration/users',
    summary: 'List the users of one at-risk registration class',
    access: 'Recovery.Read',
    query: RegistrationUsersQuerySchema,
    responses: [done('One page of users from the latest scan.', RegistrationUsersPageSchema)],
    errors: [...CALLER_ERRORS, 'invalid_request', 'reports_unavailable'],
  },
  {
    operationId: 'getLockoutReport',
    method: 'GET',
    route: 'reports/lockouts',
    summary: 'Get lockout outcomes over a period',
    access: 'Recovery.Read',
    description:
      'Lockouts opened, resolved and still open; detection delay and time to recover; re-lockouts, attacks, refusals and anomalies. Computed from the flags and the audit trail.',
    query: LockoutReportQuerySchema,
    responses: [done('The outcomes of the period.', LockoutReportSchema)],
    errors: [...CALLER_ERRORS, 'invalid_request', 'reports_unavailable'],
  },
  {
    operationId: 'getDashboard',
    method: 'GET',
    route: 'dashboard',
    summary: 'Open the outcomes dashboard',
    access: 'Recovery.Read',
    description:
      'A web page of the lockout and registration reports: lockouts and attacks open now, time to recover per week, readiness per class over time, and the at-risk users the helpdesk hears from next.',
    page: 'html',
    errors: [...CALLER_ERRORS, 'reports_unavailable'],
  },
  {
    operationId: 'getDashboardAsset',
    method: 'GET',
    route: 'dashboard/{asset}',
    summary: "Get a file of the dashboard's page",
    access: 'public',
    page: 'file',
    errors: ['not_found'],
  },
  // Any authenticated caller may read an approval it can see (docs/approvals.md).
  {
    operationId: 'getApproval',
    method: 'GET',
    route: 'approvals/{id}',
    summary: 'Get a request waiting for a second person',
    access: 'caller',
    responses: [done('The approval.', ApprovalSchema)],
    errors: [...CALLER_ERRORS, 'invalid_request', 'approval_not_found', 'audit_unavailable'],
  },
  {
    operationId: 'approveRequest',
    method: 'POST',
    route: 'approvals/{id}/approve',
    summary: 'Approve a request as a second person',
    access: 'Recovery.Approve',
    responses: [done('The approval as decided.', ApprovalSchema)],
    errors: DECISION_ERRORS,
  },
  {
    operationId: 'denyRequest',
    method: 'POST',
    route: 'approvals/{id}/deny',
    summary: 'Deny a request as a second person',
    access: 'Recovery.Approve',
    responses: [done('The approval as decided.', ApprovalSchema)],
    errors: DECISION_ERRORS,
  },
  {
    operationId: 'getServiceWrites',
    method: 'GET',
    route: 'service/writes',
    summary: 'Read the kill switch',
    access: 'Recovery.Read',
    responses: [done('Whether changes are allowed, and the brake.', ServiceStateSchema)],
    errors: [...CALLER_ERRORS, 'limits_unavailable'],
  },
  {
    operationId: 'putServiceWrites',
    method: 'PUT',
    route: 'service/writes',
    summary: 'Switch changes on or off',
    access: 'Recovery.Admin',
    body: WritesSwitchSchema,
    example: { enabled: false, reason: 'Suspected compromise of a helpdesk account' },
    responses: [done('The switch as set.', ServiceStateSchema)],
    errors: CONTROL_ERRORS,
  },
  {
    operationId: 'releaseBrake',
    method: 'POST',
    route: 'brake/release',
    summary: 'Release the mass-recovery brake',
    access: 'Recovery.Admin',
    body: BrakeReleaseSchema,
    example: { reason: 'Reviewed: a planned re-enrolment, not an attack' },
    responses: [done('The brake is released.', ServiceStateSchema)],
    errors: CONTROL_ERRORS,
  },
];
