import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { AppError, toProblemDocument } from '../../src/lib/http/problem';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from './core-types';

/** Headers Node computes itself from the bytes actually sent. */
const MANAGED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);
const NO_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * Writes the function's HTTP result. No result at all (the handler returned nothing) is
 * 200 with an empty body: the host skips a null output binding (WorkerFunctionInvoker.
 * BindOutputsAsync) and then answers OkResult (FunctionInvocationMiddleware.GetResultAsync).
 */
export function writeFunctionResponse(
  response: ServerResponse,
  returnValue: RpcTypedData | null | undefined,
  method: string,
): void {
  const http = returnValue?.http;
  if (!http) {
    writeEmpty(response, 200);
    return;
  }
  const status = Number.parseInt(http.statusCode ?? '200', 10);
  response.statusCode = Number.isInteger(status) && status >= 100 && status <= 999 ? status : 200;
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (!MANAGED_HEADERS.has(name.toLowerCase())) response.setHeader(name, value);
  }
  const cookies = (http.cookies ?? []).map(formatSetCookie);
  if (cookies.length > 0) response.appendHeader('set-cookie', cookies);
  const body = bodyBytes(http);
  if (method === 'HEAD' || NO_BODY_STATUSES.has(response.statusCode)) {
    response.end();
    return;
  }
  response.setHeader('content-length', body.length);
  response.end(body);
}

export function writeEmpty(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('content-length', 0);
  response.end();
}

/**
 * A body over the host's limit, answered as the app answers one over its own (problem+json,
 * `payload_too_large`): in Azure the host passes far larger bodies on and the app refuses them, so
 * a caller sees the same answer locally. The connection closes, as the unread rest is discarded.
 */
export function writePayloadTooLarge(response: ServerResponse, limit: number): void {
  const problem = toProblemDocument(
    new AppError('payload_too_large', `The request body exceeds ${limit} bytes.`),
    randomUUID(),
  );
  const body = Buffer.from(JSON.stringify(problem));
  response.statusCode = problem.status;
  response.setHeader('content-type', 'application/problem+json');
  response.setHeader('connection', 'close');
  response.setHeader('content-length', body.length);
  response.end(body);
}

function bodyBytes(http: RpcHttpData): Buffer {
  const body = http.body;
  if (body?.bytes) return Buffer.from(body.bytes);
  if (typeof body?.string === 'string') return Buffer.from(body.string, 'utf8');
  return Buffer.alloc(0);
}

const SAME_SITE: Record<string, string | undefined> = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' };

/**
 * A Set-Cookie value as ASP.NET Core writes it from the host's cookie options: name and value
 * percent-encoded, path "/" unless given.
 */
export function formatSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${encodeURIComponent(cookie.name ?? '')}=${encodeURIComponent(cookie.value ?? '')}`];
  const expires = cookie.expires?.value?.seconds;
  if (typeof expires === 'number') parts.push(`expires=${new Date(expires * 1000).toUTCString()}`);
  const maxAge = cookie.maxAge?.value;
  if (typeof maxAge === 'number') parts.push(`max-age=${Math.trunc(maxAge)}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  parts.push(`path=${cookie.path?.value || '/'}`);
  if (cookie.secure?.value) parts.push('secure');
  const sameSite = cookie.sameSite ? SAME_SITE[cookie.sameSite] : undefined;
  if (sameSite) parts.push(`samesite=${sameSite.toLowerCase()}`);
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}
