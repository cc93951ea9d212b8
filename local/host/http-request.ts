import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import type { RpcHttpData, RpcNullableString, RpcTraceContext } from './core-types';

export class BodyTooLargeError extends Error {}

/**
 * Reads the whole body. Past `limit` bytes the rest is read and discarded and the promise
 * rejects at the end, so the caller can still answer 413 on a healthy connection.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(request.headers['content-length'] ?? 0) > limit;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      tooLarge ||= size > limit;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) reject(new BodyTooLargeError(`The request body exceeds ${limit} bytes.`));
      else resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete)
        reject(new Error('The client closed the connection before sending the whole body.'));
    });
  });
}

/**
 * Headers as the host sends them: one value per name (Node joins repeats with ", "), and empty
 * values dropped (the worker's IgnoreEmptyValuedRpcHttpHeaders capability).
 */
function toNullableHeaders(request: IncomingMessage): Record<string, RpcNullableString> {
  const headers: Record<string, RpcNullableString> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const joined = Array.isArray(value) ? value.join(', ') : value;
    if (joined) headers[name] = { value: joined };
  }
  return headers;
}

/** Query values as the host sends them: repeated names joined with "," (ASP.NET StringValues). */
function toNullableQuery(url: URL): Record<string, RpcNullableString> {
  const query: Record<string, RpcNullableString> = {};
  for (const name of new Set(url.searchParams.keys())) {
    query[name] = { value: url.searchParams.getAll(name).join(',') };
  }
  return query;
}

export function toRpcHttpRequest(
  request: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): RpcHttpData {
  return {
    method: request.method ?? 'GET',
    url: url.href,
    nullableHeaders: toNullableHeaders(request),
    nullableQuery: toNullableQuery(url),
    nullableParams: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, { value }])),
    body: body.length > 0 ? { bytes: body } : null,
  };
}

/** The caller's W3C trace context, or a fresh one, as the host starts an Activity per request. */
export function traceContextFrom(request: IncomingMessage): RpcTraceContext {
  const traceParent = request.headers.traceparent;
  const traceState = request.headers.tracestate;
  const valid =
    typeof traceParent === 'string' && /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(traceParent);
  return {
    traceParent: valid
      ? traceParent
      : `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    traceState: valid && typeof traceState === 'string' ? traceState : '',
    attributes: {},
  };
}
