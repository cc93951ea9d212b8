import type { TableServiceClient } from '@azure/data-tables';
import type { InvocationContext } from '@azure/functions';
import type { TokenCredential } from '@azure/identity';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { Client } from '@microsoft/microsoft-graph-client';

import { type Config, loadConfig } from './config';
import { createGraphClient } from './graph/client';
import { createCredential } from './identity';
import type { CheckTarget } from './recovery/action-guard';
import type { ActionDeps } from './recovery/run-action';
import { createTapPolicyCache, type TapPolicyReader } from './recovery/tap-policy-cache';
import { createTargetCheck } from './recovery/target-check';
import { type AuditLog, createTableAuditLog } from './storage/audit-log';
import { createTableIdempotencyStore, type IdempotencyStore } from './storage/idempotency-store';
import { createQueueService } from './storage/queue-service';
import { createQueueEventPublisher, type EventPublisher } from './storage/recovery-events';
import { createTableSuspensionStore, type SuspensionStore } from './storage/suspensions';
import { createTableClient, createTableService } from './storage/table-service';
import { createTableSource, TABLES } from './storage/tables';

export interface Services {
  config: Config;
  credential: TokenCredential;
  graph: Client;
  tables: TableServiceClient;
  queues: QueueServiceClient;
  audit: AuditLog;
  idempotency: IdempotencyStore;
  suspensions: SuspensionStore;
  events: EventPublisher;
  tapPolicy: TapPolicyReader;
  checkTarget: CheckTarget;
}

let services: Services | undefined;

/**
 * The composition root: settings read once, clients built once per process, on first use. Nothing
 * here touches the network; tables and the queue are created on their first use.
 */
export function getServices(): Services {
  if (!services) {
    const config = loadConfig();
    const credential = createCredential(config.identity);
    const queues = createQueueService(config.storage, credential);
    const table = createTableSource((name) => createTableClient(config.storage, credential, name));
    const graph = createGraphClient(config.graph, credential);
    services = {
      config,
      credential,
      graph,
      tables: createTableService(config.storage, credential),
      queues,
      audit: createTableAuditLog({ table: () => table(TABLES.audit) }),
      idempotency: createTableIdempotencyStore({ table: () => table(TABLES.idempotency) }),
      suspensions: createTableSuspensionStore({ table: () => table(TABLES.suspensions) }),
      events: createQueueEventPublisher({ queue: queues.getQueueClient(config.queues.recoveryEvents) }),
      tapPolicy: createTapPolicyCache(config.actions.tapPolicyCacheMs),
      checkTarget: createTargetCheck(graph, config),
    };
  }
  return services;
}

export type RecoveryDeps = ActionDeps & { tapPolicy: TapPolicyReader; suspensions: SuspensionStore };
export type ActionServices = (context: InvocationContext) => RecoveryDeps;

/** What every recovery action needs, logging to the invocation that runs it. */
export const getActionServices: ActionServices = (context) => {
  const all = getServices();
  return { ...all, log: { warn: (message) => context.warn(message) } };
};
