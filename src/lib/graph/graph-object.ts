import type { Client } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';

import { AppError } from '../http/problem';
import { type GraphErrorContext, toAppError } from './errors';

export interface ObjectRequest {
  path: string;
  version?: 'v1.0' | 'beta';
  clientRequestId: string;
  /** What the object is, for the error message: `pass`, `user`, `methods list`, … */
  what: string;
}

function unreadable(request: ObjectRequest, options: { effectUnknown?: boolean } = {}): AppError {
  return new AppError(
    'graph_rejected_request',
    `Microsoft Graph answered with a ${request.what} the app cannot read.`,
    options.effectUnknown ? { effectUnknown: true } : {},
  );
}

/** GETs one Graph object and reads it with `schema`: what the app reads from Graph is checked at this edge. */
export async function readObject<T>(
  graph: Client,
  request: ObjectRequest,
  schema: z.ZodType<T>,
  context: GraphErrorContext = {},
): Promise<T> {
  let answer: unknown;
  try {
    answer = await graph
      .api(request.path)
      .version(request.version ?? 'v1.0')
      .header('client-request-id', request.clientRequestId)
      .get();
  } catch (error) {
    throw toAppError(error, context);
  }
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw unreadable(request);
  return parsed.data;
}

/**
 * POSTs a new object to a Graph collection and reads Graph's answer with `schema`. A failure is
 * mapped as a write (a gateway timeout leaves the effect unknown); a 2xx whose body can't be read
 * means the object exists but the app can't say what it is, so that is unknown too.
 */
export async function createObject<T>(
  graph: Client,
  request: ObjectRequest & { body: Record<string, unknown> },
  schema: z.ZodType<T>,
): Promise<T> {
  let created: unknown;
  try {
    created = await graph
      .api(request.path)
      .version(request.version ?? 'v1.0')
      .header('client-request-id', request.clientRequestId)
      .post(request.body);
  } catch (error) {
    throw toAppError(error, { write: true });
  }
  const parsed = schema.safeParse(created);
  if (!parsed.success) throw unreadable(request, { effectUnknown: true });
  return parsed.data;
}
