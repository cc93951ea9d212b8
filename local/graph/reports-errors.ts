import { randomUUID } from 'node:crypto';

import type { GraphErrorSpec } from './messages';

/**
 * The reports service (auditLogs/signIns, auditLogs/directoryAudits and the registration report) answers for both lists with
 * the same errors; each is cited where it was observed. For directoryAudits they are inferred from
 * signIns, the same service.
 */

/** Both lists' largest page (`$top`). */
export const REPORTS_PAGE_SIZE = 1000;

const error = (
  status: number,
  code: string,
  message: string,
  extra: Partial<GraphErrorSpec> = {},
): GraphErrorSpec => ({
  kind: 'error',
  status,
  code,
  message,
  ...extra,
});

export const ReportsErrors = {
  /**
   * [obs] microsoft-graph-docs#13632 (List signIns without AuditLog.Read.All), graph-explorer-v4
   * #2731, #3165: the reports service's own 403, not the directory's Authorization_RequestDenied.
   */
  permissionMissing: () =>
    error(
      403,
      'Authentication_MSGraphPermissionMissing',
      'Calling principal does not have required MSGraph permissions AuditLog.Read.All',
    ),
  /** [obs] microsoft-graph-docs#5676, #14173: the reports service's answer to any filter it can't run. */
  invalidFilter: () => error(400, 'BadRequest', 'Invalid filter clause'),
  /** Wording inferred (the doc gives the maximum, not the error); code as for the filter. */
  invalidTop: (top: string, largest = REPORTS_PAGE_SIZE) =>
    error(
      400,
      'BadRequest',
      `Invalid page size specified: '${top}'. Must be between 1 and ${largest} inclusive.`,
    ),
  /** Inferred. */
  invalidSkipToken: () => error(400, 'BadRequest', 'Invalid skip token.'),
  /**
   * [obs] microsoftgraph/microsoft-graph-docs-contrib#9060: the registration report's answer to
   * `systemPreferredAuthenticationMethods/any(…)`, which its resource page documents; status inferred.
   */
  unfilterableCollection: () => error(400, 'UnknownError', 'Unable to find nonEntity type name'),
  /** Inferred: only createdDateTime is documented for $orderby. */
  invalidOrderBy: () => error(400, 'BadRequest', 'Invalid orderby clause'),
  /** Code and wording inferred. */
  notFound: (id: string) => error(404, 'ResourceNotFound', `Resource '${id}' does not exist.`),
  /**
   * A tenant without Entra ID P1/P2: the message is in the docs' "Common errors" ([doc] entra
   * howto-analyze-activity-logs-with-microsoft-graph), code and status [obs]
   * microsoftgraph/msgraph-sdk-dotnet#1006, invictus-ir/Microsoft-Extractor-Suite#202.
   */
  licenceRequired: () =>
    error(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Neither tenant is B2C or tenant doesn't have premium license",
    ),
  /**
   * [obs] MicrosoftDocs/azure-docs#70953 (the reports service's 429, as relayed by AzureAD
   * PowerShell): code UnknownError with this message, and Retry-After. Content type inferred.
   */
  throttled: (retryAfterSeconds: number) =>
    error(
      429,
      'UnknownError',
      `This request is throttled. Please try again after the value specified in the Retry-After header. CorrelationId: ${randomUUID()}`,
      { headers: { 'Retry-After': String(retryAfterSeconds) } },
    ),
} as const;
