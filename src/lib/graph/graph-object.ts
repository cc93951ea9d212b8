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

/**
 * One Graph request whose answer is read with `schema`: what the app reads from Graph is checked
 * at this edge. An answer the schema refuses is `graph_rejected_request`; after a POST the object
 * exists all the same, so its effect is unknown.
 */
async function exchange<T>(
  graph: Client,
  request: ObjectRequest & { body?: Record<string, unknown> },
  schema: z.ZodType<T>,
  context: GraphErrorContext,
): Promise<T> {
  let answer: unknown;
  try {
    const call = graph
      .api(request.path)
      .version(request.version ?? 'v1.0')
      .header('client-request-id', request.clientRequestId);
    answer = request.body === undefined ? await call.get() : await call.post(request.body);
  } catch (error) {
    throw toAppError(error, context);
  }
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'graph_rejected_request',
    `Microsoft Graph answered with a ${request.what} the app cannot read.`,
    context.write ? { effectUnknown: true } : {},
  );
}

/** GETs one Graph object. */
export async function readObject<T>(
  graph: Client,
  request: ObjectRequest,
  schema: z.ZodType<T>,
  context: GraphErrorContext = {},
): Promise<T> {
  return await exchange(graph, request, schema, context);
}

/** POSTs a new object to a Graph collection; a gateway timeout leaves its effect unknown (errors.ts). */
export async function createObject<T>(
  graph: Client,
  request: ObjectRequest & { body: Record<string, unknown> },
  schema: z.ZodType<T>,
): Promise<T> {
  return await exchange(graph, request, schema, { write: true });
}
