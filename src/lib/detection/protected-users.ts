import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import type { Config } from '../config';
import { type GuardConfig, isBreakGlass, protectionReasons } from '../guard/decision';
import { isGuid } from '../guid';
import { readProtectedPopulation } from './protected-population';

/** Which of these users a flag must mark `protected` (lower-case ids). */
export type ProtectedUsers = (userIds: readonly string[]) => Promise<ReadonlySet<string>>;

/**
 * The guard's verdict (src/lib/guard/decision.ts) for many users at once, for flags: the scan asks
 * once per run about every user whose flag may open, so the tenant's protected population is read
 * once (protected-population.ts) at a cost that doesn't grow with the number of users, and each
 * user is decided by the guard's own rules. The guard still checks everything again before any
 * action. Fails closed: if the population can't be read, every requested user is protected.
 */
export function createProtectedUsers(
  graph: Client,
  config: { guard: GuardConfig; graph: Pick<Config['graph'], 'baseUrl'> },
): ProtectedUsers {
  const guard = config.guard;
  const graphOrigin = new URL(config.graph.baseUrl).origin;
  return async (userIds) => {
    const requested = [...new Set(userIds.map((id) => id.toLowerCase()))];
    // Not an object id: nothing to look up, so nothing to vouch for.
    const found = new Set(requested.filter((id) => isBreakGlass(id, guard) || !isGuid(id)));
    const toDecide = requested.filter((id) => !found.has(id));
    if (toDecide.length === 0) return found;
    let population: Awaited<ReturnType<typeof readProtectedPopulation>>;
    try {
      population = await readProtectedPopulation({
        graph,
        guard,
        graphOrigin,
        clientRequestId: randomUUID(),
      });
    } catch {
      // Throttled past the budget, 5xx, a missing permission, a foreign nextLink, an odd answer.
      return new Set(requested);
    }
    const now = new Date();
    for (const id of toDecide) {
      if (protectionReasons(population.factsFor(id), guard, now).length > 0) found.add(id);
    }
    return found;
  };
}
