import type { Client } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';

import { getUser } from '../graph/users';
import type { AuditQuerySchema } from '../http/audit-query';
import { graphClientRequestId } from '../http/correlation';
import type { AuditLog, AuditPage } from '../storage/audit-log';

/**
 * Audit rows are found by the target's object id: it never changes, while a UPN can be renamed or
 * handed to someone else. A UPN is resolved in the directory first, as every route resolves
 * `{user}`, so it finds exactly the rows its object id finds (an unknown UPN is `user_not_found`).
 */
export async function listAuditEntries(
  deps: { audit: AuditLog; graph: Client },
  query: z.output<typeof AuditQuerySchema>,
  correlationId: string,
): Promise<AuditPage> {
  const { userId: user, ...filters } = query;
  if (user === undefined) return await deps.audit.list(filters);
  const userId =
    user.kind === 'id' ? user.id : (await getUser(deps.graph, user, graphClientRequestId(correlationId))).id;
  return await deps.audit.list({ ...filters, userId });
}
