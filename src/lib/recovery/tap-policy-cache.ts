import type { Client } from '@microsoft/microsoft-graph-client';

import { getTapPolicy, type TapPolicy } from '../graph/tap';

/** The tenant's TAP policy changes rarely; one read serves many passes for a short while. */
export function createTapPolicyCache(ttlMs: number, now: () => number = Date.now) {
  let cached: { policy: TapPolicy; expires: number } | undefined;
  return async (graph: Client, clientRequestId: string): Promise<TapPolicy> => {
    if (cached && cached.expires > now()) return cached.policy;
    const policy = await getTapPolicy(graph, clientRequestId);
    cached = { policy, expires: now() + ttlMs };
    return policy;
  };
}

export type TapPolicyReader = ReturnType<typeof createTapPolicyCache>;
