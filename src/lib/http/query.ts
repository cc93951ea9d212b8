import type { HttpRequest } from '@azure/functions';

/**
 * The query string as one object for a schema, without `code`: that is where the Functions host
 * reads a function key sent instead of `x-functions-key`, so it is the host's parameter, never the
 * app's (not validated, fingerprinted or kept here).
 */
export function queryParameters(request: HttpRequest): Record<string, string> {
  const parameters = Object.fromEntries(request.query);
  delete parameters.code;
  return parameters;
}
