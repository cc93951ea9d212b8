import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { recordRefusal } from '../telemetry/records';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation';
import { AppError, toProblemDocument } from './problem';

export type RouteHandler = (
  request: HttpRequest,
  context: InvocationContext,
  correlationId: string,
) => Promise<HttpResponseInit>;

/**
 * The one place HTTP errors are produced: known errors become problem+json with their stable code,
 * anything else is logged and becomes a bare 500 (never a stack trace). Every response carries the
 * correlation id.
 */
export function withProblemJson(handler: RouteHandler): HttpHandler {
  return async (request, context) => {
    const correlationId = correlationIdFrom(request.headers.get(CORRELATION_HEADER));
    let response: HttpResponseInit;
    try {
      response = await handler(request, context, correlationId);
    } catch (error) {
      response = problemResponse(error, correlationId, context);
    }
    const headers = new Headers(response.headers);
    headers.set(CORRELATION_HEADER, correlationId);
    return { ...response, headers };
  };
}

function problemResponse(
  error: unknown,
  correlationId: string,
  context: InvocationContext,
): HttpResponseInit {
  const appError =
    error instanceof AppError
      ? error
      : new AppError('internal_error', 'The request failed unexpectedly.', { cause: error });
  if (appError.code === 'internal_error') {
    context.error(`correlationId=${correlationId} unexpected error`, error);
  } else if (appError.status >= 500) {
    context.warn(
      `correlationId=${correlationId} ${appError.message} graphRequestId=${appError.options.graphRequestId ?? '-'}`,
    );
  }
  recordRefusal({
    operation: context.functionName,
    status: appError.status,
    code: appError.code,
    correlationId,
  });
  const headers = new Headers({ 'content-type': 'application/problem+json' });
  if (appError.options.retryAfterSeconds !== undefined) {
    headers.set('retry-after', String(appError.options.retryAfterSeconds));
  }
  if (appError.options.wwwAuthenticate !== undefined) {
    headers.set('www-authenticate', appError.options.wwwAuthenticate);
  }
  return {
    status: appError.status,
    headers,
    body: JSON.stringify(toProblemDocument(appError, correlationId)),
  };
}

/** A JSON success response; `no-store` because every body here describes a person's account. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}
