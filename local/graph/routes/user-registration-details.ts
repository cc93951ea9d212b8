import { authorize } from '../auth';
import type { HandlerResult } from '../messages';
import { ok, queryParameter } from '../messages';
import { nextLinkWithToken } from '../odata-query';
import { projectUserRegistrationDetails } from '../projection/user-registration-details';
import { throttleKey } from '../rate-limit';
import { parseRegistrationFilter, parseRegistrationOrderBy } from '../registration-filter';
import { ReportsErrors } from '../reports-errors';
import type { RouteContext, RouteDefinition } from '../router';
import type { UserSeed } from '../seed-schema';

/**
 * GET /reports/authenticationMethods/userRegistrationDetails
 * (https://learn.microsoft.com/en-us/graph/api/authenticationmethodsroot-list-userregistrationdetails):
 * one row per enabled user ("doesn't work for disabled users" [doc]), shaped in
 * projection/user-registration-details.ts. AuditLog.Read.All is the only application permission
 * the page lists; the reports service's 403 without it, its throttle (the identity-and-access
 * reports limit, [doc] https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-reports-service-limits)
 * and, without Entra ID P1/P2, the licence 403 ([obs] microsoftgraph/microsoft-graph-docs-contrib#8777:
 * Authentication_RequestFromNonPremiumTenantOrB2CTenant on this list). Paging: the page documents
 * neither a default nor a maximum `$top`; public clients send 999, so 999 is both (inferred), with
 * `@odata.nextLink` carrying a `$skiptoken` (the id of the page's last row, so `$filter` and
 * `$orderby`, which the next link repeats, give the same list on every page). `$filter` and
 * `$orderby` as registration-filter.ts describes.
 */

const TEMPLATE = '/reports/authenticationMethods/userRegistrationDetails';
const PERMISSIONS = ['AuditLog.Read.All'];
export const REGISTRATION_PAGE_SIZE = 999;

function listUserRegistrationDetails(context: RouteContext): HandlerResult {
  const { claims, tenant, request, version } = context;
  if (!authorize(claims, PERMISSIONS)) return ReportsErrors.permissionMissing();
  // Gateway-level limit: counted before the licence and query checks (inferred, as for sign-ins).
  const allowed = tenant.reportsThrottle.take(throttleKey(claims));
  if (!allowed.ok) return ReportsErrors.throttled(allowed.retryAfterSeconds);
  const data = tenant.view();
  if (data.licences.p1 === false && !data.licences.p2) return ReportsErrors.licenceRequired();

  const top = queryParameter(request, '$top');
  let size = REGISTRATION_PAGE_SIZE;
  if (top !== null) {
    size = /^\d+$/.test(top.trim()) ? Number(top.trim()) : NaN;
    if (!(size >= 1 && size <= REGISTRATION_PAGE_SIZE))
      return ReportsErrors.invalidTop(top, REGISTRATION_PAGE_SIZE);
  }
  // Every row carries the report's refresh time, not a per-user one (the docs' example).
  const refreshed = new Date().toISOString();
  const project = (user: UserSeed) => projectUserRegistrationDetails(user, data, refreshed);
  let listed = data.users.filter((user) => user.accountEnabled);
  const filter = queryParameter(request, '$filter');
  if (filter !== null) {
    const parsed = parseRegistrationFilter(filter);
    if (!parsed.ok) return parsed.error;
    listed = listed.filter((user) => parsed.matches(project(user)));
  }
  const orderBy = queryParameter(request, '$orderby');
  if (orderBy !== null) {
    const compare = parseRegistrationOrderBy(orderBy);
    if (compare === undefined) return ReportsErrors.invalidOrderBy();
    listed = listed
      .map((user) => ({ user, row: project(user) }))
      .sort((a, b) => compare(a.row, b.row))
      .map(({ user }) => user);
  }

  let start = 0;
  const token = queryParameter(request, '$skiptoken');
  if (token !== null) {
    const after = Buffer.from(token, 'base64url').toString('utf8').toLowerCase();
    const index = listed.findIndex((user) => user.id.toLowerCase() === after);
    if (index === -1) return ReportsErrors.invalidSkipToken();
    start = index + 1;
  }
  const page = listed.slice(start, start + size);
  const last = page[page.length - 1];
  const more = start + size < listed.length && last !== undefined;
  return ok({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#reports/authenticationMethods/userRegistrationDetails`,
    ...(more
      ? { '@odata.nextLink': nextLinkWithToken(request, Buffer.from(last.id).toString('base64url')) }
      : {}),
    value: page.map(project),
  });
}

// The route checks the permission itself (above), to answer the reports 403. The app reads v1.0 only.
export const listUserRegistrationDetailsRoute: RouteDefinition = {
  method: 'GET',
  template: TEMPLATE,
  versions: ['v1.0'],
  permissions: 'anyValidToken',
  handle: listUserRegistrationDetails,
};
