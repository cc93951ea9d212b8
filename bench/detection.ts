import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { startAzurite } from '../local/azurite';
import { DEMO_SEED_PATH, startGraphSimulator } from '../local/graph';
import { startIdentityEndpoint } from '../local/identity';
import { CA_CERT_PATH } from '../local/stack';
import type { DetectionReport } from '../src/lib/detection/detect-lockouts';

const run = promisify(execFile);

export interface DetectionFigures {
  events: number;
  users: number;
  first: RunFigures;
  second: RunFigures;
}

interface RunFigures {
  wallMs: number;
  /** CPU time of the scan process (user + system) during the run. */
  cpuMs: number;
  peakRssMb: number;
  graphRequests: number;
  report: DetectionReport;
}

/**
 * N failure events over M users in the simulator (no added latency, Graph's reports pacing off on
 * both sides, its directory limits off), then a first-run scan into Azurite and a second run with
 * no new events. The scan runs in its own process so its peak RSS is its own.
 */
export async function measureDetection(events: number, users: number): Promise<DetectionFigures> {
  const azurite = await startAzurite();
  const identity = await startIdentityEndpoint();
  const graph = await startGraphSimulator({
    seed: DEMO_SEED_PATH,
    tokenPublicKeyPem: identity.publicKeyPem,
    reportsThrottling: { enabled: false },
    directoryThrottling: { enabled: false },
  });
  try {
    const now = Date.now();
    graph.generateSignIns({
      count: events,
      users,
      errorCodes: [500121],
      since: new Date(now - 23 * 3_600_000).toISOString(),
      until: new Date(now - 5 * 60_000).toISOString(),
    });
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: CA_CERT_PATH,
      GRAPH_BASE_URL: graph.url,
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
      AZURE_CLIENT_ID: identity.clientId,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      REPORTS_REQUESTS_PER_WINDOW: '0',
    };
    const scan = async (): Promise<RunFigures> => {
      graph.clearRequests();
      const { stdout } = await run(process.execPath, [path.join(__dirname, 'detection-probe.js')], {
        env,
        maxBuffer: 1 << 20,
      });
      const result = JSON.parse(stdout) as Omit<RunFigures, 'graphRequests'>;
      return { ...result, graphRequests: graph.requests().filter((request) => !request.inBatch).length };
    };
    const first = await scan();
    const second = await scan();
    return { events, users, first, second };
  } finally {
    await graph.close();
    await identity.close();
    await azurite.stop();
  }
}
