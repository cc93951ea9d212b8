import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { type AdminApi, MANUAL_RUN_REASON } from './admin';
import { toError } from './errors';
import type { HttpFunction } from './function-index';
import type { HostLogger } from './host-log';
import { BodyTooLargeError, readBody, toRpcHttpRequest, traceContextFrom } from './http-request';
import { writeEmpty, writeFunctionResponse, writePayloadTooLarge } from './http-response';
import type { Invoke } from './invoke';
import { FUNCTIONS_KEY_HEADER, type HostKeys, isAuthorized, presentedKey } from './keys';
import { type RouteTable, splitPath } from './route-table';

export interface HttpServerDeps {
  /** host.json routePrefix, e.g. `api` (may be empty or several segments). */
  readonly routePrefix: string;
  readonly routes: RouteTable<HttpFunction>;
  readonly keys: HostKeys;
  readonly invoke: Invoke;
  readonly admin: AdminApi;
  readonly maxRequestBodyBytes: number;
  readonly logger: HostLogger;
}

/**
 * Serves `/<routePrefix>/<route>` for HTTP functions and `/admin/...`. Status codes follow the
 * Functions host: no route (or a method the route does not allow) 404, bad key 401, a failed
 * invocation 500; those answers have empty bodies. A body over the limit is 413 problem+json.
 */
export function createHostServer(deps: HttpServerDeps): Server {
  const prefixSegments = splitPath(`/${deps.routePrefix}`).map((segment) => segment.toLowerCase());

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = absoluteUrl(request);
    const segments = splitPath(url.pathname);
    if (segments[0]?.toLowerCase() === 'admin') {
      await deps.admin.handle(request, response, url, segments.slice(1));
      return;
    }
    const hasPrefix = prefixSegments.every((segment, index) => segments[index]?.toLowerCase() === segment);
    const match = hasPrefix
      ? deps.routes.match(request.method ?? 'GET', segments.slice(prefixSegments.length))
      : undefined;
    if (!match) {
      writeEmpty(response, 404);
      return;
    }
    const fn = match.target;
    const key = presentedKey(request.headers[FUNCTIONS_KEY_HEADER], url.searchParams);
    if (!isAuthorized(fn.authLevel, key, deps.keys)) {
      writeEmpty(response, 401);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(request, deps.maxRequestBodyBytes);
    } catch (thrown) {
      if (thrown instanceof BodyTooLargeError) writePayloadTooLarge(response, deps.maxRequestBodyBytes);
      else response.destroy();
      return;
    }
    const outcome = await deps.invoke(fn, {
      data: { http: toRpcHttpRequest(request, url, match.params, body) },
      reason: MANUAL_RUN_REASON,
      traceContext: traceContextFrom(request),
    });
    if (outcome.status === 'failed') {
      writeEmpty(response, 500); // the error went to the log; callers never see a stack
      return;
    }
    try {
      writeFunctionResponse(response, outcome.response.returnValue, request.method ?? 'GET');
    } catch (thrown) {
      deps.logger.host(
        'error',
        `Functions.${fn.name}: could not write the HTTP response: ${toError(thrown).message}`,
      );
      if (!response.headersSent) writeEmpty(response, 500);
      else response.destroy();
    }
  }

  return createServer((request, response) => {
    handle(request, response).catch((thrown: unknown) => {
      deps.logger.host(
        'error',
        `Request ${request.method} ${request.url} failed in the host: ${toError(thrown).stack}`,
      );
      if (!response.headersSent) writeEmpty(response, 500);
      else response.destroy();
    });
  });
}

/** The URL as the caller addressed it (Host header), which is what HttpRequest.url shows. */
function absoluteUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  const local = `localhost:${request.socket.localPort ?? 80}`;
  // Concatenate rather than resolve: "//x/y" is a path here, not a protocol-relative URL.
  const build = (host: string): URL => new URL(target.startsWith('/') ? `http://${host}${target}` : target);
  try {
    return build(request.headers.host ?? local);
  } catch {
    return build(local);
  }
}
