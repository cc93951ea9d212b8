import type { TableServiceClient } from '@azure/data-tables';
import type { InvocationContext } from '@azure/functions';
import type { TokenCredential } from '@azure/identity';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { Client } from '@microsoft/microsoft-graph-client';

import type { ApprovalStore } from './approvals/approval';
import { createTableApprovalStore } from './approvals/table-store';
import { type Config, loadConfig } from './config';
import type { DetectLockoutsDeps } from './detection/detect-lockouts';
import { PacingHandler, RequestPacer } from './detection/pacer';
import { watchRecoveries } from './detection/post-recovery-watch';
import { createProtectedLookup, createProtectedUsers } from './detection/protected-users';
import type { DetectionNotice, LockoutStore, ScanStateStore } from './detection/repositories';
import { createGraphClient } from './graph/client';
import { createCredential } from './identity';
import { createActionLimits } from './limits/action-limits';
import { createTableLimitsStore, type LimitsStore } from './limits/limits-store';
import type { CheckTarget } from './recovery/action-guard';
import type { ActionDeps } from './recovery/run-action';
import { createTapPolicyCache, type TapPolicyReader } from './recovery/tap-policy-cache';
import { createTargetCheck } from './recovery/target-check';
import type { ScanRegistrationDeps } from './registration/scan-registration';
import { createTableSnapshotStore } from './registration/table-snapshot-store';
import { type AuditLog, createTableAuditLog } from './storage/audit-log';
import { createTableIdempotencyStore, type IdempotencyStore } from './storage/idempotency-store';
import { createQueueLockoutEventPublisher } from './storage/lockout-events';
import { createTableLockoutStore } from './storage/lockouts';
import { createQueueService } from './storage/queue-service';
import {
  createQueueEventPublisher,
  type EventPublisher,
  type NewRecoveryEvent,
} from './storage/recovery-events';
import { createTableScanStateStore } from './storage/scan-state';
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
  lockouts: LockoutStore;
  scanState: ScanStateStore;
  limitsStore: LimitsStore;
  detection: Omit<DetectLockoutsDeps, 'now'>;
  registration: ScanRegistrationDeps;
  approvals: ApprovalStore;
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
    const events = createQueueEventPublisher({ queue: queues.getQueueClient(config.queues.recoveryEvents) });
    const lockouts = createTableLockoutStore({ table: () => table(TABLES.lockouts) });
    const scanState = createTableScanStateStore({ table: () => table(TABLES.scanState) });
    // One pacer per process for the reports API (docs/threat-model.md, "Resource exhaustion").
    const pacer = new RequestPacer(config.reports.requestsPerWindow, config.reports.windowMs);
    const notify = async (notice: DetectionNotice) => {
      await events.publish({
        type: notice.type,
        severity: 'high',
        ...(notice.eventId ? { eventId: notice.eventId } : {}),
        ...(notice.targetId ? { targetId: notice.targetId } : {}),
        ...(notice.targetUpn ? { targetUpn: notice.targetUpn } : {}),
        correlationId: `detection-${Date.now()}`,
        details: notice.details,
      });
    };
    const registrationSnapshots = createTableSnapshotStore({
      table: () => table(TABLES.registrationSnapshots),
      snapshotsKept: config.registration.snapshotsKept,
    });
    const audit = createTableAuditLog({ table: () => table(TABLES.audit) });
    const reportsGraph = createGraphClient(config.graph, credential, [new PacingHandler(pacer)]);
    const graphOrigin = new URL(config.graph.baseUrl).origin;
    const watchDeps = {
      reportsGraph,
      graphOrigin,
      lockouts,
      audit,
      publish: (event: NewRecoveryEvent) => events.publish(event),
      settings: {
        watchMs: config.detection.postRecoveryWatchMs,
        baselineMs: config.detection.postRecoveryBaselineMs,
      },
    };
    services = {
      config,
      credential,
      graph,
      tables: createTableService(config.storage, credential),
      queues,
      audit,
      idempotency: createTableIdempotencyStore({ table: () => table(TABLES.idempotency) }),
      suspensions: createTableSuspensionStore({ table: () => table(TABLES.suspensions) }),
      events,
      tapPolicy: createTapPolicyCache(config.actions.tapPolicyCacheMs),
      checkTarget: createTargetCheck(graph, config),
      lockouts,
      scanState,
      approvals: createTableApprovalStore({ table: () => table(TABLES.approvals) }),
      limitsStore: createTableLimitsStore({ table: () => table(TABLES.limits) }),
      detection: {
        reportsGraph,
        graphOrigin,
        scanState,
        watch: (window, options) => watchRecoveries(watchDeps, window, options),
        lockouts,
        lockoutEvents: createQueueLockoutEventPublisher({
          queue: queues.getQueueClient(config.queues.lockoutEvents),
        }),
        notify,
        settings: config.detection,
        protectedUsers: createProtectedUsers(graph, config),
      },
      registration: {
        reportsGraph,
        graphOrigin,
        protectedLookup: createProtectedLookup(graph, config),
        snapshots: registrationSnapshots,
        publish: (event: NewRecoveryEvent) => events.publish(event),
        settings: config.registration,
      },
    };
  }
  return services;
}

export type RecoveryDeps = ActionDeps & { tapPolicy: TapPolicyReader; suspensions: SuspensionStore };
export type ActionServices = (context: InvocationContext) => RecoveryDeps;

/** What every recovery action needs, logging to the invocation that runs it. */
export const getActionServices: ActionServices = (context) => {
  const all = getServices();
  const log = { warn: (message: string) => context.warn(message) };
  const limits = createActionLimits({
    store: all.limitsStore,
    settings: all.config.limits,
    events: all.events,
    log,
  });
  return { ...all, limits, log };
};
