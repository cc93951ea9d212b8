import { GraphErrors } from './errors';
import type { GraphErrorSpec, GraphRequest } from './messages';

export type JsonObjectBody =
  { ok: true; value: Record<string, unknown> } | { ok: false; error: GraphErrorSpec };

/**
 * The request body as a JSON object. An empty body reads as `{}` when `allowEmpty` (operations
 * whose properties are all optional). Wording for an unreadable body as Graph's OData layer sends
 * it in public reports (inferred; not from Microsoft's docs); for an empty one, observed.
 */
export function jsonObjectBody(
  request: GraphRequest,
  options: { allowEmpty?: boolean } = {},
): JsonObjectBody {
  const unreadable = {
    ok: false,
    error: GraphErrors.malformedBody(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),
  } as const;
  if (request.body.trim() === '') {
    if (options.allowEmpty === true) return { ok: true, value: {} };
    // [obs] microsoftgraph/microsoft-graph-explorer-v4#3819: a write sent without its body.
    return { ok: false, error: GraphErrors.malformedBody('Empty Payload. JSON content expected.') };
  }
  let value: unknown;
  try {
    value = JSON.parse(request.body);
  } catch {
    return unreadable;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return unreadable;
  return { ok: true, value: value as Record<string, unknown> };
}

/** A body value for an error message: strings as they are, anything else as JSON. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
