import type { Client } from '@microsoft/microsoft-graph-client';

import { toAppError } from './errors';
import { methodDeletePath, type RemovableMethodType } from './method-types';

/** Deletes one method through its type's path; a 404 means it is already gone, which is the goal. */
export async function deleteMethod(
  graph: Client,
  userPath: string,
  method: { id: string; type: RemovableMethodType },
  clientRequestId: string,
): Promise<void> {
  const { version, url } = methodDeletePath(userPath, method.type, method.id);
  try {
    await graph.api(url).version(version).header('client-request-id', clientRequestId).delete();
  } catch (error) {
    const appError = toAppError(error, { write: true });
    if (appError.options.graphCode && appError.status === 502 && /notfound/i.test(appError.options.graphCode))
      return;
    throw appError;
  }
}
