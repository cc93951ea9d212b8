import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { startAzurite } from '../local/azurite';
import { type GraphSimulator, startGraphSimulator, type TenantData } from '../local/graph';
import { startIdentityEndpoint } from '../local/identity';
import { CA_CERT_PATH } from '../local/stack';

const run = promisify(execFile);

/** What one scan process measured; `report` is the scan's own report. */
export interface ScanFigures<Report> {
  wallMs: number;
  /** CPU time of the scan process (user + system) during the run. */
  cpuMs: number;
  peakRssMb: number;
  /** Requests the simulator received from the scan ($batch steps not counted apart). */
  graphRequests: number;
  report: Report;
}

export interface ScanStack {
  graph: GraphSimulator;
  /** Runs one scan in a fresh process; `heapCapMb` caps its old space (`--max-old-space-size`). */
  scan<Report>(
    which: 'registration' | 'detection',
    options?: { heapCapMb?: number; settings?: Record<string, string> },
  ): Promise<ScanFigures<Report>>;
  close(): Promise<void>;
}

/**
 * Azurite, the identity endpoint and the simulator (Graph's reports pacing and directory limits
 * off on both sides), for scans run in their own processes so that their peak RSS is their own.
 */
export async function startScanStack(seed: string | TenantData): Promise<ScanStack> {
  const azurite = await startAzurite();
  const identity = await startIdentityEndpoint();
  const graph = await startGraphSimulator({
    seed,
    tokenPublicKeyPem: identity.publicKeyPem,
    reportsThrottling: { enabled: false },
    directoryThrottling: { enabled: false },
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
  return {
    graph,
    async scan(which, { heapCapMb, settings = {} } = {}) {
      graph.clearRequests();
      const flags = heapCapMb === undefined ? [] : [`--max-old-space-size=${heapCapMb}`];
      const { stdout } = await run(
        process.execPath,
        [...flags, path.join(__dirname, 'scan-probe.js'), which],
        {
          env: { ...env, ...settings },
          maxBuffer: 1 << 20,
        },
      );
      const figures = JSON.parse(stdout) as Omit<ScanFigures<never>, 'graphRequests'>;
      return { ...figures, graphRequests: graph.requests().filter((request) => !request.inBatch).length };
    },
    async close() {
      await graph.close();
      await identity.close();
      await azurite.stop();
    },
  };
}
