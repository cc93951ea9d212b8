import type { Client } from '@microsoft/microsoft-graph-client';

import type { Config } from '../config';
import { getUser } from '../graph/users';
import type { CheckTarget } from './action-guard';

// Interim: resolves the target and refuses break-glass ids; the full guard replaces this.
export function createTargetCheck(graph: Client, config: Pick<Config, 'guard'>): CheckTarget {
  return async (user, clientRequestId) => {
    const found = await getUser(graph, user, clientRequestId);
    const target = {
      id: found.id.toLowerCase(),
      userPrincipalName: found.userPrincipalName ?? '',
      groupIds: new Set<string>(),
    };
    if (config.guard.breakGlassObjectIds.has(target.id)) {
      return {
        allowed: false,
        code: 'break_glass_account',
        reasons: ['break-glass id'],
        target,
        graphRequestIds: [],
      };
    }
    return { allowed: true, target, graphRequestIds: [] };
  };
}
