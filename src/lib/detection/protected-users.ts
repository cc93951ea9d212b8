import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import type { Config } from '../config';
import { type GuardConfig, isBreakGlass, protectionReasons } from '../guard/decision';
import { isGuid } from '../guid';
import { readProtectedPopulation } from './protected-population';

/** Which of these users a flag must mark `protected` (lower-case ids). */
export type ProtectedUsers = (userIds: readonly string[]) => Promise<ReadonlySet<string>>;

/** Decides users against one read of the tenant's protected population (lower-case ids). */
export type ProtectedLookup = (userIds: readonly string[]) => ReadonlySet<string>;

/**
 * The guard's verdict (src/lib/guard/decision.ts) for many users at once, for flags and the
 * registration scan: the tenant's protected population is read once (protected-population.ts) at a
 * cost that doesn't grow with the number of users, and each user is decided by the guard's own
 * rules. The guard still checks everything again before any action. Fails closed: if the
 * population can't be read, every user asked about is protected.
 */
export function createProtectedLookup(
  graph: Client,
  config: { guard: GuardConfig; graph: Pick<Config['graph'], 'baseUrl'> },
): () => Promise<ProtectedLookup> {
  const guard = config.guard;
  const graphOrigin = new URL(config.graph.baseUrl).origin;
  return async () => {
    let population: Awaited<ReturnType<typeof readProtectedPopulation>> | undefined;
    try {
      population = await readProtectedPopulation({
        graph,
        guard,
        graphOrigin,
        clientRequestId: randomUUID(),
      });
    } catch {
      // Throttled past the budget, 5xx, a missing permission, a foreign nextLink, an odd answer.
      population = undefined;
    }
    return (userIds) => {
      const requested = [...new Set(userIds.map((id) => id.toLowerCase()))];
      if (population === undefined) return new Set(requested);
      const now = new Date();
      return new Set(
        requested.filter(
          (id) =>
            presumedProtected(id, guard) || protectionReasons(population.factsFor(id), guard, now).length > 0,
        ),
      );
    };
  };
}

/** Break-glass, or not an object id: nothing to look up, so nothing to vouch for. */
const presumedProtected = (id: string, guard: GuardConfig) => isBreakGlass(id, guard) || !isGuid(id);

/** One population read per call, skipped when every user is decided without it. */
export function createProtectedUsers(
  graph: Client,
  config: { guard: GuardConfig; graph: Pick<Config['graph'], 'baseUrl'> },
): ProtectedUsers {
  const lookup = createProtectedLookup(graph, config);
  return async (userIds) => {
    const requested = [...new Set(userIds.map((id) => id.toLowerCase()))];
    if (requested.every((id) => presumedProtected(id, config.guard))) return new Set(requested);
    return (await lookup())(requested);
  };
}
