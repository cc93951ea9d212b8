import type { Stack } from '../../local/stack';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** One request to a running stack's host with its function key; a JSON body gets its content type. */
export async function callStack(
  stack: Pick<Stack, 'baseUrl' | 'functionKey'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      'x-functions-key': stack.functionKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
