import type { Client } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';

import { AppError } from '../http/problem';
import { toAppError } from './errors';

/**
 * POSTs a new object to a Graph collection and reads Graph's answer with `schema`. A failure is
 * mapped as a write (a gateway timeout leaves the effect unknown); a 2xx whose body can't be read
 * means the object exists but the app can't say what it is, so that is unknown too.
 */
export async function createObject<T>(
  graph: Client,
  request: { path: string; body: Record<string, unknown>; clientRequestId: string; what: string },
  schema: z.ZodType<T>,
): Promise<T> {
  let created: unknown;
  try {
    created = await graph
      .api(request.path)
      .header('client-request-id', request.clientRequestId)
      .post(request.body);
  } catch (error) {
    throw toAppError(error, { write: true });
  }
  const parsed = schema.safeParse(created);
  if (!parsed.success) {
    throw new AppError(
      'graph_rejected_request',
      `Microsoft Graph created the ${request.what} but its answer could not be read.`,
      { effectUnknown: true },
    );
  }
  return parsed.data;
}
