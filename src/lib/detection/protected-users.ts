import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import type { Config } from '../config';
import { MAX_BATCH_STEPS, sendBatch } from '../graph/batch';
import { ROLE_LOOKUP_URLS } from '../graph/role-lookups';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which of these users a flag must mark `protected` (lower-case ids). */
export type ProtectedUsers = (userIds: readonly string[]) => Promise<ReadonlySet<string>>;

/**
 * A cheap variant of the guard (src/lib/guard) for flags, not for actions: break-glass ids, plus
 * one `$batch` per 20 users reading each user's direct role assignments (`roleAssignments` by
 * principalId) against the protected role templates. It does not expand groups or PIM
 * eligibility; the guard still checks everything before any action. Fails closed: a user whose
 * row could not be read is marked protected.
 */
export function createProtectedUsers(graph: Client, config: Pick<Config, 'guard'>): ProtectedUsers {
  const { breakGlassObjectIds, protectedRoleTemplateIds } = config.guard;
  return async (userIds) => {
    const found = new Set<string>();
    const toCheck: string[] = [];
    for (const raw of userIds) {
      const id = raw.toLowerCase();
      if (breakGlassObjectIds.has(id)) found.add(id);
      else if (GUID.test(id)) toCheck.push(id);
      else found.add(id); // not an object id: nothing to look up, so nothing to vouch for
    }
    for (let start = 0; start < toCheck.length; start += MAX_BATCH_STEPS) {
      const chunk = toCheck.slice(start, start + MAX_BATCH_STEPS);
      let results: Awaited<ReturnType<typeof sendBatch>>;
      try {
        results = await sendBatch(
          graph,
          chunk.map((id, index) => ({
            id: String(index),
            method: 'GET',
            url: ROLE_LOOKUP_URLS.assignments(id),
          })),
          { clientRequestId: randomUUID(), deadline: Date.now() + 20_000 },
        );
      } catch {
        for (const id of chunk) found.add(id);
        continue;
      }
      chunk.forEach((id, index) => {
        const result = results.get(String(index));
        const rows = (result?.body as { value?: { roleDefinitionId?: unknown }[] } | undefined)?.value;
        if (result?.status !== 200 || !Array.isArray(rows)) {
          found.add(id);
          return;
        }
        const privileged = rows.some(
          (row) =>
            typeof row.roleDefinitionId === 'string' &&
            protectedRoleTemplateIds.has(row.roleDefinitionId.toLowerCase()),
        );
        if (privileged) found.add(id);
      });
    }
    return found;
  };
}
