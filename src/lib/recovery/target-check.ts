import type { Client } from '@microsoft/microsoft-graph-client';

import type { Config } from '../config';
import { checkTarget } from '../guard';
import type { CheckTarget } from './action-guard';

/** The recovery pipeline's view of the protected-account guard. */
export function createTargetCheck(graph: Client, config: Pick<Config, 'guard' | 'graph'>): CheckTarget {
  return async (user, clientRequestId) =>
    await checkTarget({ graph, guard: config.guard, graphConfig: config.graph }, user, clientRequestId);
}
