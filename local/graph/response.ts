import { graphErrorBody } from './errors';
import type { GraphResponse, HandlerResult } from './messages';

/** Graph's content type for OData JSON (as in Microsoft's documented response examples). */
export const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Error bodies come as plain JSON (the json-batching doc's directory 403 and 405 responses). */
export const ERROR_JSON = 'application/json';

export interface ResponseIds {
  requestId: string;
  clientRequestId: string;
}

/** Turns a handler result into the response sent: JSON body, Graph's headers, ids in errors. */
export function renderResult(result: HandlerResult, ids: ResponseIds): GraphResponse {
  const headers: Record<string, string> = {
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
    ...result.headers,
  };
  // Headers as Graph's batch responses show them (json-batching doc), errors included.
  if (result.kind === 'error') {
    headers['Content-Type'] = ERROR_JSON;
    headers['Cache-Control'] = 'no-cache';
    return { status: result.status, headers, body: graphErrorBody(result, ids) };
  }
  if (result.body !== undefined) {
    headers['Content-Type'] ??= ODATA_JSON;
    headers['OData-Version'] = '4.0';
    headers['Cache-Control'] = 'no-cache';
  }
  return { status: result.status, headers, body: result.body };
}
