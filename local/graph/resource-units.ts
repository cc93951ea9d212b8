import type { GraphRequest, HandlerResult } from './messages';
import { queryParameter } from './messages';

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

export function withResourceUnits(result: HandlerResult, units: number): HandlerResult {
  return { ...result, headers: { ...result.headers, 'x-ms-resource-unit': String(units) } };
}
