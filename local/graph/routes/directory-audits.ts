import { authorize } from '../auth';
import { parseDirectoryAuditFilter } from '../directory-audit-filter';
import type { HandlerResult } from '../messages';
import { ok, queryParameter } from '../messages';
import { nextLinkWithToken } from '../odata-query';
import { throttleKey } from '../rate-limit';
import { REPORTS_PAGE_SIZE as PAGE_SIZE, ReportsErrors } from '../reports-errors';
import type { RouteContext, RouteDefinition } from '../router';

/**
 * GET /auditLogs/directoryAudits (https://learn.microsoft.com/en-us/graph/api/directoryaudit-list):
 * `$filter` as in directory-audit-filter.ts, `$top`, `$skiptoken` in `@odata.nextLink`; items
 * newest first (inferred, as sign-ins), pages of at most 1,000 (inferred: the same reporting
 * service's sign-in maximum). The log is available in every Entra ID edition, so no licence error
 * ([doc] https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-audit-logs,
 * licences table), and keeps 7 days without P1/P2, 30 with them ([doc]
 * https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-reports-data-retention).
 * Counted against the identity-and-access reports limit like sign-ins ([doc]
 * https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-reports-service-limits).
 * The app reads the list only, not single items, so no get route.
 */

const TEMPLATE = '/auditLogs/directoryAudits';
/** The list page names AuditLog.Read.All (with Directory.Read.All) for apps. */
const PERMISSIONS = ['AuditLog.Read.All'];
const DAY_MS = 24 * 60 * 60 * 1000;

function listDirectoryAudits(context: RouteContext): HandlerResult {
  const { claims, tenant, request, version } = context;
  if (!authorize(claims, PERMISSIONS)) return ReportsErrors.permissionMissing();
  const allowed = tenant.reportsThrottle.take(throttleKey(claims));
  if (!allowed.ok) return ReportsErrors.throttled(allowed.retryAfterSeconds);

  const top = queryParameter(request, '$top');
  let size = PAGE_SIZE;
  if (top !== null) {
    size = /^\d+$/.test(top.trim()) ? Number(top.trim()) : NaN;
    if (!(size >= 1 && size <= PAGE_SIZE)) return ReportsErrors.invalidTop(top);
  }
  const parsed = parseDirectoryAuditFilter(queryParameter(request, '$filter'));
  if (!parsed.ok) return ReportsErrors.invalidFilter();

  const { licences } = tenant.view();
  const retentionDays = licences.p1 === false && !licences.p2 ? 7 : 30;
  const oldest = Date.now() - retentionDays * DAY_MS;
  const wanted = tenant.directoryAudits
    .list()
    .filter((audit) => Date.parse(audit.activityDateTime) >= oldest && parsed.filter.matches(audit));

  let start = 0;
  const token = queryParameter(request, '$skiptoken');
  if (token !== null) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    const index = wanted.findIndex((audit) => audit.id === after);
    if (index === -1) return ReportsErrors.invalidSkipToken();
    start = index + 1;
  }
  const page = wanted.slice(start, start + size);
  const last = page[page.length - 1];
  const more = start + size < wanted.length && last !== undefined;
  return ok({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#auditLogs/directoryAudits`,
    ...(more
      ? { '@odata.nextLink': nextLinkWithToken(request, Buffer.from(last.id).toString('base64url')) }
      : {}),
    value: page,
  });
}

// The route checks the permission itself (above), to answer the reports 403.
export const listDirectoryAuditsRoute: RouteDefinition = {
  method: 'GET',
  template: TEMPLATE,
  versions: ['v1.0'],
  permissions: 'anyValidToken',
  handle: listDirectoryAudits,
};
