import { GraphError } from '@microsoft/microsoft-graph-client';

import { parseErrorBody } from './error-body';

/** Graph's id for one request, which Microsoft support asks for; every answer carries it. */
export function requestIdOf(headers: Headers | undefined): string | undefined {
  return headers?.get('request-id') ?? undefined;
}

export interface RoundTrip<T> {
  /** Graph's request-id for this top-level request. */
  requestId: string | undefined;
  value: T;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The JSON body of a raw Graph response with its request-id; a non-2xx answer is thrown as the
 * GraphError the SDK would have thrown (status, code, request-id and headers kept), so that one
 * mapping (errors.ts) reads every failure.
 */
export async function checked(response: Response, what: string): Promise<RoundTrip<unknown>> {
  const requestId = requestIdOf(response.headers);
  const body = await readJson(response);
  if (!response.ok)
    throw graphError(response.status, `${what} answered ${response.status}`, response.headers, body);
  return { requestId, value: body };
}

/** A GraphError for an answer the app refuses, Graph's code and request-id taken from the body or headers. */
export function graphError(status: number, message: string, headers: Headers, body?: unknown): GraphError {
  const details = parseErrorBody(body);
  const error = new GraphError(status, message);
  error.code = details.code ?? null;
  error.requestId = details.requestId ?? requestIdOf(headers) ?? null;
  error.headers = headers;
  error.body = body === undefined ? null : JSON.stringify(body);
  return error;
}
