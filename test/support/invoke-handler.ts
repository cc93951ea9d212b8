import { type HttpHandler, HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';

import type { Answer } from './stack-call';

export interface HandlerRequest {
  method: string;
  params?: Record<string, string>;
  /** A JSON body, sent with its content type. */
  body?: unknown;
  /** A body sent as is (still labelled JSON), for requests that are not valid JSON. */
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/**
 * One request to an app handler in process, answered as the host would send it: success answers
 * carry jsonBody, problems a JSON string body (withProblemJson builds every response).
 */
export async function invokeHandler(handler: HttpHandler, init: HandlerRequest): Promise<Answer> {
  const query = new URLSearchParams(init.query ?? {}).toString();
  const hasBody = init.body !== undefined || init.rawBody !== undefined;
  const request = new HttpRequest({
    method: init.method,
    url: `http://localhost:7071/api/test${query ? `?${query}` : ''}`,
    params: init.params ?? {},
    headers: {
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(hasBody ? { body: { string: init.rawBody ?? JSON.stringify(init.body) } } : {}),
  });
  const response = (await handler(
    request,
    new InvocationContext({ functionName: 'test' }),
  )) as HttpResponseInit;
  const body =
    typeof response.body === 'string'
      ? (JSON.parse(response.body) as Record<string, unknown>)
      : ((response.jsonBody ?? {}) as Record<string, unknown>);
  return { status: response.status ?? 200, headers: new Headers(response.headers), body };
}
