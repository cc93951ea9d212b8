import { authorize } from '../auth';
import { GraphErrors } from '../errors';
import type { HandlerResult } from '../messages';
import { ok, queryParameter } from '../messages';
import { nextLinkWithToken } from '../odata-query';
import { GRAPH_VERSIONS, graphSpec } from '../openapi-spec';
import {
  CONDITIONAL_ACCESS_READ_PERMISSIONS,
  projectSignIn,
  signInPropertyName,
  type SignInView,
} from '../projection/sign-in';
import { throttleKey } from '../rate-limit';
import { REPORTS_PAGE_SIZE as PAGE_SIZE, ReportsErrors } from '../reports-errors';
import type { RouteContext, RouteDefinition } from '../router';
import { parseSignInFilter } from '../sign-in-filter';
import { SIGN_IN_RETENTION_DAYS, type StoredSignIn } from '../sign-in-store';

/**
 * GET /auditLogs/signIns and GET /auditLogs/signIns/{id} (docs
 * signin-list, signin-get): newest first (or `$orderby=createdDateTime asc`), pages of 1,000 (the
 * default and the maximum), `@odata.nextLink` repeating the query with a `$skiptoken`, `$filter`
 * as in sign-in-filter.ts, `$select`. Only events within the retention (30 days with P1/P2) whose
 * `visibleAfter` has passed are served. Only interactive sign-ins are listed: on v1.0 always (what
 * the list page says the log includes [doc]), on beta unless the filter names signInEventTypes
 * [doc beta]. Items are shaped per version and caller in projection/sign-in.ts. A token without
 * AuditLog.Read.All gets the reports service's 403; every other request counts against the
 * reports limit (5 per 10 s per app per tenant, configurable) before anything else; a tenant
 * without P1/P2 gets the licence 403.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A query option: the exact `$name` first, else any casing (the beta list page's own example sends
 * `$orderBy`; the same service answers v1.0, inferred there), and on beta without the `$` ([doc]
 * query-parameters; the beta list page's example 2 sends `top=10`).
 */
function option(context: RouteContext, name: string): string | null {
  const exact = queryParameter(context.request, name);
  if (exact !== null) return exact;
  const wanted = name.toLowerCase();
  for (const [key, value] of new URLSearchParams(context.request.query)) {
    const lower = key.toLowerCase();
    if (lower === wanted || (context.version === 'beta' && `$${lower}` === wanted)) return value;
  }
  return null;
}

function guard(context: RouteContext, template: string): HandlerResult | undefined {
  const { claims, tenant, version } = context;
  const permissions = graphSpec(version).applicationPermissions('GET', template) ?? [];
  if (!authorize(claims, permissions)) return ReportsErrors.permissionMissing();
  // Gateway-level limit: counted before the licence and query checks (inferred order).
  const allowed = tenant.reportsThrottle.take(throttleKey(claims));
  if (!allowed.ok) return ReportsErrors.throttled(allowed.retryAfterSeconds);
  const { licences } = tenant.view();
  if (licences.p1 === false && !licences.p2) return ReportsErrors.licenceRequired();
  return undefined;
}

function signInView(context: RouteContext, select: readonly string[] | undefined): SignInView {
  return {
    ...(select === undefined ? {} : { select }),
    hasP2: context.tenant.view().licences.p2,
    readsConditionalAccess: authorize(context.claims, CONDITIONAL_ACCESS_READ_PERMISSIONS),
  };
}

function parseSelect(
  context: RouteContext,
): { ok: true; names?: string[] } | { ok: false; error: HandlerResult } {
  const text = option(context, '$select');
  if (text === null) return { ok: true };
  const names: string[] = [];
  for (const item of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const name = signInPropertyName(context.version, item);
    // Wording of the directory's answer; the reports service's own is unknown (inferred).
    if (name === undefined)
      return { ok: false, error: GraphErrors.unknownProperty(item, 'microsoft.graph.signIn') };
    if (!names.includes(name)) names.push(name);
  }
  return { ok: true, names };
}

/** Opaque to clients; carries the order and the position (time, seq) of the last event served. */
const encodeToken = (descending: boolean, last: StoredSignIn) =>
  Buffer.from(`${descending ? 'd' : 'a'}.${last.time}.${last.seq}`).toString('base64url');

function decodeToken(token: string): { descending: boolean; time: number; seq: number } | undefined {
  const match = /^([da])\.(-?\d+)\.(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (match === null) return undefined;
  return { descending: match[1] === 'd', time: Number(match[2]), seq: Number(match[3]) };
}

const LIST_TEMPLATE = '/auditLogs/signIns';
const GET_TEMPLATE = '/auditLogs/signIns/{signIn-id}';

function listSignIns(context: RouteContext): HandlerResult {
  const refused = guard(context, LIST_TEMPLATE);
  if (refused !== undefined) return refused;
  const { request, version, tenant } = context;

  const top = option(context, '$top');
  let size = PAGE_SIZE;
  if (top !== null) {
    size = /^\d+$/.test(top.trim()) ? Number(top.trim()) : NaN;
    if (!(size >= 1 && size <= PAGE_SIZE)) return ReportsErrors.invalidTop(top);
  }
  const parsed = parseSignInFilter(option(context, '$filter'), version);
  if (!parsed.ok) return ReportsErrors.invalidFilter();
  const { filter } = parsed;
  const orderBy = option(context, '$orderby');
  let descending = true;
  if (orderBy !== null) {
    const match = /^\s*createdDateTime(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
    if (match === null) return ReportsErrors.invalidOrderBy();
    // OData's default direction is ascending.
    descending = match[1]?.toLowerCase() === 'desc';
  }
  const select = parseSelect(context);
  if (!select.ok) return select.error;
  const view = signInView(context, select.names);
  const tokenText = option(context, '$skiptoken');
  const cursor = tokenText === null ? undefined : decodeToken(tokenText);
  if (tokenText !== null && (cursor === undefined || cursor.descending !== descending)) {
    return ReportsErrors.invalidSkipToken();
  }

  const now = Date.now();
  const oldest = Math.max(filter.oldest, now - SIGN_IN_RETENTION_DAYS * DAY_MS);
  const newest = filter.newest;
  // v1.0 has no signInEventTypes to ask for other kinds with.
  const interactiveOnly = version === 'v1.0' || !filter.namesEventTypes;
  const store = tenant.signIns;
  const wanted = (stored: StoredSignIn) =>
    stored.visibleAt <= now &&
    (!interactiveOnly || stored.event.isInteractive !== false) &&
    filter.matches(stored.event);

  const page: StoredSignIn[] = [];
  let more = false;
  const step = descending ? 1 : -1;
  let index: number;
  if (descending) {
    index =
      cursor === undefined
        ? store.indexAtOrBefore(Math.min(newest, Number.MAX_SAFE_INTEGER))
        : store.indexOlderThan(cursor.time, cursor.seq);
  } else {
    index =
      cursor === undefined
        ? store.indexAtOrBefore(Math.max(oldest, Number.MIN_SAFE_INTEGER) - 1) - 1
        : store.indexNewerThan(cursor.time, cursor.seq);
  }
  // Scan only the time range; stop one match past the page to know whether there's a next one.
  for (let stored = store.at(index); stored !== undefined; index += step, stored = store.at(index)) {
    if (stored.time < oldest || stored.time > newest) {
      if (descending ? stored.time < oldest : stored.time > newest) break;
      continue;
    }
    if (!wanted(stored)) continue;
    if (page.length === size) {
      more = true;
      break;
    }
    page.push(stored);
  }

  const selected = select.names === undefined ? '' : `(${select.names.join(',')})`;
  const last = page[page.length - 1];
  return ok({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#auditLogs/signIns${selected}`,
    ...(more && last !== undefined
      ? { '@odata.nextLink': nextLinkWithToken(request, encodeToken(descending, last)) }
      : {}),
    value: page.map((stored) => projectSignIn(stored.event, version, view)),
  });
}

function getSignIn(context: RouteContext): HandlerResult {
  const refused = guard(context, GET_TEMPLATE);
  if (refused !== undefined) return refused;
  const id = context.params['signIn-id']?.value ?? '';
  const stored = context.tenant.signIns.get(id);
  const now = Date.now();
  if (stored === undefined || stored.visibleAt > now || stored.time < now - SIGN_IN_RETENTION_DAYS * DAY_MS) {
    return ReportsErrors.notFound(id);
  }
  const select = parseSelect(context);
  if (!select.ok) return select.error;
  const selected = select.names === undefined ? '' : `(${select.names.join(',')})`;
  return ok({
    '@odata.context': `https://graph.microsoft.com/${context.version}/$metadata#auditLogs/signIns${selected}/$entity`,
    ...projectSignIn(stored.event, context.version, signInView(context, select.names)),
  });
}

// The routes check the subset's permissions themselves (guard), to answer the reports 403.
export const listSignInsRoute: RouteDefinition = {
  method: 'GET',
  template: LIST_TEMPLATE,
  versions: GRAPH_VERSIONS,
  permissions: 'anyValidToken',
  handle: listSignIns,
};

export const getSignInRoute: RouteDefinition = {
  method: 'GET',
  template: GET_TEMPLATE,
  versions: GRAPH_VERSIONS,
  permissions: 'anyValidToken',
  handle: getSignIn,
};

export const SIGN_IN_ROUTES: readonly RouteDefinition[] = [listSignInsRoute, getSignInRoute];
