import type { AccessTokenClaims } from '../identity';
import { GraphErrors } from './errors';
import type { GraphErrorSpec, GraphRequest, HandlerResult } from './messages';
import { queryParameter } from './messages';
import { throttleKey } from './rate-limit';
import type { Tenant } from './tenant';

/**
 * `x-ms-resource-unit`: what a request on a directory (identity and access) resource costs, per
 * https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits:
 * the route's base cost (1 unless the doc's table lists the path), `$select` −1, `$expand` +1,
 * `$top` under 20 −1, never below 1. The json-batching doc shows the header on errors too.
 */
export function resourceUnits(request: GraphRequest, baseCost: number): number {
  const top = Number(queryParameter(request, '$top') ?? NaN);
  const cost =
    baseCost -
    (queryParameter(request, '$select') === null ? 0 : 1) +
    (queryParameter(request, '$expand') === null ? 0 : 1) -
    (top < 20 ? 1 : 0);
  return Math.max(1, cost);
}

/** Over this share of its limit an app is told so in `x-ms-throttle-limit-percentage` (doc). */
const LIMIT_PERCENTAGE_FROM = 0.8;

/**
 * Charges a directory request to its app and tenant (directory-throttle.ts) before it is served,
 * so errors cost too. Let through: the headers for its answer, `x-ms-resource-unit` and, past 0.8
 * of the limit, `x-ms-throttle-limit-percentage` (the doc gives the range 0.8–1.8; two decimals
 * inferred). Throttled: Graph's 429 with `Retry-After` and the doc's throttled-response headers.
 */
export function chargeDirectoryRequest(
  request: GraphRequest,
  baseCost: number,
  claims: AccessTokenClaims,
  tenant: Tenant,
): { ok: true; headers: Record<string, string> } | { ok: false; error: GraphErrorSpec } {
  const units = resourceUnits(request, baseCost);
  // The doc's table: 1 write for any POST, PATCH, PUT or DELETE it doesn't list (the listed ones aren't served).
  const writes = request.method === 'GET' ? 0 : 1;
  const decision = tenant.directoryThrottle.take(
    throttleKey(claims),
    { units, writes },
    tenant.view().users.length,
  );
  if (!decision.ok) {
    return {
      ok: false,
      error: GraphErrors.tooManyRequests({
        'Retry-After': String(decision.retryAfterSeconds),
        'x-ms-throttle-scope': `Tenant_Application/${decision.limit}/${claims.appid}/${claims.tid}`,
        'x-ms-throttle-information': decision.information,
      }),
    };
  }
  const headers: Record<string, string> = { 'x-ms-resource-unit': String(units) };
  if (decision.usage > LIMIT_PERCENTAGE_FROM)
    headers['x-ms-throttle-limit-percentage'] = decision.usage.toFixed(2);
  return { ok: true, headers };
}

export function withHeaders(result: HandlerResult, headers: Record<string, string>): HandlerResult {
  return { ...result, headers: { ...result.headers, ...headers } };
}
