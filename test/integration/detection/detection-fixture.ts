import { ManagedIdentityCredential } from '@azure/identity';
import { QueueServiceClient } from '@azure/storage-queue';
import { vi } from 'vitest';

import { type Config, loadConfig } from '../../../src/lib/config';
import type { DetectLockoutsDeps } from '../../../src/lib/detection/detect-lockouts';
import { PacingHandler, RequestPacer } from '../../../src/lib/detection/pacer';
import { createProtectedUsers } from '../../../src/lib/detection/protected-users';
import type { DetectionNotice, LockoutEvent } from '../../../src/lib/detection/repositories';
import { createGraphClient } from '../../../src/lib/graph/client';
import { createQueueLockoutEventPublisher } from '../../../src/lib/storage/lockout-events';
import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { createTableScanStateStore } from '../../../src/lib/storage/scan-state';
import type { GraphFixture } from '../../support/graph-fixture';
import type { AzuriteFixture } from '../storage/azurite-fixture';

export interface DetectionRig {
  deps: DetectLockoutsDeps;
  config: Config;
  notices: DetectionNotice[];
  /** Every message on the lockout-events queue so far (read once; later calls see only new ones). */
  messages(): Promise<LockoutEvent[]>;
  /** Sign-in list requests the simulator saw. */
  signInRequests(): number;
}

/**
 * The scan's dependencies as services.ts wires them, on fresh tables and a fresh queue: the app's
 * Graph client (real managed-identity credential, retry middleware, the pacer) against the simulator.
 */
export async function detectionRig(
  graph: GraphFixture,
  storage: AzuriteFixture,
  env: Record<string, string> = {},
): Promise<DetectionRig> {
  vi.stubEnv('IDENTITY_ENDPOINT', graph.identity.url);
  vi.stubEnv('IDENTITY_HEADER', graph.identity.header);
  const config = loadConfig({
    GRAPH_BASE_URL: graph.simulator.url,
    STORAGE_CONNECTION_STRING: storage.azurite.connectionString,
    GRAPH_MAX_RETRY_WAIT_SECONDS: '3',
    REPORTS_REQUESTS_PER_WINDOW: '0',
    ...env,
  });
  const pacer = new RequestPacer(config.reports.requestsPerWindow, config.reports.windowMs);
  const credential = new ManagedIdentityCredential({ clientId: graph.identity.clientId });
  const lockoutTable = await storage.freshTable();
  const stateTable = await storage.freshTable();
  const queue = QueueServiceClient.fromConnectionString(storage.azurite.connectionString).getQueueClient(
    storage.uniqueName('q'),
  );
  const notices: DetectionNotice[] = [];
  const seen: LockoutEvent[] = [];
  const deps: DetectLockoutsDeps = {
    reportsGraph: createGraphClient(config.graph, credential, [new PacingHandler(pacer)]),
    graphOrigin: new URL(config.graph.baseUrl).origin,
    scanState: createTableScanStateStore({ table: () => Promise.resolve(stateTable) }),
    lockouts: createTableLockoutStore({ table: () => Promise.resolve(lockoutTable) }),
    lockoutEvents: createQueueLockoutEventPublisher({ queue }),
    notify: (notice) => {
      notices.push(notice);
      return Promise.resolve();
    },
    settings: config.detection,
    protectedUsers: createProtectedUsers(createGraphClient(config.graph, credential), config),
  };
  return {
    deps,
    config,
    notices,
    async messages() {
      if (!(await queue.exists())) return [...seen];
      for (;;) {
        const batch = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 3600 });
        if (batch.receivedMessageItems.length === 0) break;
        for (const item of batch.receivedMessageItems)
          seen.push(JSON.parse(item.messageText) as LockoutEvent);
      }
      return [...seen];
    },
    signInRequests: () =>
      graph.simulator.requests().filter((request) => request.path.includes('/auditLogs/signIns')).length,
  };
}
