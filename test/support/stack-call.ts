import { expect } from 'vitest';

import type { DemoCallerName } from '../../local/identity';
import type { Stack } from '../../local/stack';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

type StackCredentials = Pick<Stack, 'callerAuth' | 'callerTokens' | 'functionKey'>;

/**
 * How a demo caller proves who it is to a running stack: its bearer token in entraToken mode (the
 * helpdesk, who may do everyday recovery, unless told otherwise), the function key otherwise.
 */
export function callerHeaders(
  stack: StackCredentials,
  caller: DemoCallerName = 'helpdesk',
): Record<string, string> {
  return stack.callerAuth === 'entraToken'
    ? { authorization: `Bearer ${stack.callerTokens[caller]}` }
    : { 'x-functions-key': stack.functionKey };
}

/** One request to a running stack's host as a demo caller; a JSON body gets its content type. */
export async function callStack(
  stack: Pick<Stack, 'baseUrl'> & StackCredentials,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  caller: DemoCallerName = 'helpdesk',
): Promise<Answer> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...callerHeaders(stack, caller),
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

/** Runs one of the host's functions now through its admin API, as a timer would; 202 is "started". */
export async function runFunctionNow(
  stack: Pick<Stack, 'baseUrl' | 'masterKey'>,
  name: string,
): Promise<void> {
  const run = await fetch(`${stack.baseUrl.replace(/\/api$/, '')}/admin/functions/${name}`, {
    method: 'POST',
    headers: { 'x-functions-key': stack.masterKey, 'content-type': 'application/json' },
    body: JSON.stringify({ input: '' }),
  });
  expect(run.status).toBe(202);
}
