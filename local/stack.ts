import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { type Azurite, startAzurite } from './azurite';
import { demoGuardSettings } from './demo-guard-settings';
import { type FunctionsHostProcess, startFunctionsHostProcess } from './functions-host-process';
import {
  DEMO_SEED_PATH,
  type DirectoryThrottlingInput,
  type GraphSimulator,
  startGraphSimulator,
} from './graph';
import { scanRegistrationNow } from './history/scan-now';
import { type HistorySummary, seedHistory } from './history/seed-history';
import { findAppRoot } from './host/options';
import { type DemoCallerName, type IdentityEndpoint, startIdentityEndpoint } from './identity';

const REPO_ROOT = findAppRoot(__dirname);
export const CA_CERT_PATH = path.join(REPO_ROOT, 'local', 'certs', 'ca.pem');

export interface StackOptions {
  /** Port of the functions host; 0 picks a free one. */
  hostPort?: number;
  seed?: string;
  timers?: boolean;
  /** Extra app settings for the function app (tests use them to change one setting). */
  appSettings?: Record<string, string>;
  hostOutput?: 'inherit' | 'pipe';
  /**
   * How the app tells callers apart (CALLER_AUTH): Entra tokens by default, checked against the
   * local identity endpoint's key set; `functionKey` for today's shared-key mode.
   */
  callerAuth?: 'functionKey' | 'entraToken';
  /** The simulator's directory limits (Graph's by default); benchmarks turn them off. */
  directoryThrottling?: DirectoryThrottlingInput;
  /**
   * Seed `weeks` of lockouts, recoveries and registration snapshots up to `now` (default: the
   * start) into the fresh storage, then run the registration scan once (local/history).
   */
  history?: { weeks: number; now?: Date };
}

/** What `.local/stack.json` holds, so scripts and tests can find the running stack. */
export interface StackInfo {
  baseUrl: string;
  callerAuth: 'functionKey' | 'entraToken';
  /** Bearer tokens for the demo callers (docs/callers.md), valid for at least 8 hours. */
  callerTokens: Record<DemoCallerName, string>;
  functionKey: string;
  masterKey: string;
  graphUrl: string;
  identityEndpoint: string;
  identityHeader: string;
  caCertPath: string;
  storageConnectionString: string;
}

export interface Stack extends StackInfo {
  graph: GraphSimulator;
  identity: IdentityEndpoint;
  host: FunctionsHostProcess;
  /** What the history wrote, and the run id of the real scan that followed it. */
  history?: { seeded: HistorySummary; scanRunId: string };
  stop(): Promise<void>;
}

const newKey = () => randomBytes(24).toString('base64url');

/**
 * Azurite, the managed-identity endpoint, the Graph simulator and the functions host, wired
 * together as Azure would wire them: the app only sees app settings.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    const azurite: Azurite = await startAzurite();
    stoppers.push(() => azurite.stop());
    const identity = await startIdentityEndpoint();
    stoppers.push(() => identity.close());
    const graph = await startGraphSimulator({
      seed: options.seed ?? DEMO_SEED_PATH,
      tokenPublicKeyPem: identity.publicKeyPem,
      tenantId: identity.tenantId,
      directoryThrottling: options.directoryThrottling,
    });
    stoppers.push(() => graph.close());
    const functionKey = newKey();
    const callerAuth = options.callerAuth ?? 'entraToken';
    const masterKey = newKey();
    const host = await startFunctionsHostProcess({
      output: options.hostOutput,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: CA_CERT_PATH,
        FUNCTIONS_WORKER_RUNTIME: 'node',
        FUNCTIONS_HTTP_PORT: String(options.hostPort ?? 0),
        FUNCTIONS_FUNCTION_KEY: functionKey,
        FUNCTIONS_MASTER_KEY: masterKey,
        FUNCTIONS_TIMERS: options.timers === false ? 'off' : 'on',
        AzureWebJobsStorage: azurite.connectionString,
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        GRAPH_BASE_URL: graph.url,
        IDENTITY_ENDPOINT: identity.url,
        IDENTITY_HEADER: identity.header,
        AZURE_CLIENT_ID: identity.clientId,
        CALLER_AUTH: callerAuth,
        CALLER_TENANT_ID: identity.tenantId,
        CALLER_API_CLIENT_ID: identity.apiClientId,
        CALLER_JWKS_URL: identity.jwksUrl,
        RESTORE_SUSPENDED_MFA_SCHEDULE: '0 * * * * *',
        MARK_ABANDONED_ATTEMPTS_SCHEDULE: '0 */15 * * * *',
        DETECT_LOCKOUTS_SCHEDULE: '0 */5 * * * *',
        SCAN_REGISTRATION_SCHEDULE: '0 30 2 * * *',
        ...demoGuardSettings(graph.state()),
        ...options.appSettings,
      },
    });
    stoppers.push(() => host.stop());
    const history = options.history
      ? await seedAndScan(azurite.connectionString, host.port, masterKey, options.history)
      : undefined;
    return {
      baseUrl: `http://localhost:${host.port}/api`,
      callerAuth,
      callerTokens: identity.callerTokens,
      functionKey,
      masterKey,
      graphUrl: graph.url,
      identityEndpoint: identity.url,
      identityHeader: identity.header,
      caCertPath: CA_CERT_PATH,
      storageConnectionString: azurite.connectionString,
      graph,
      identity,
      host,
      ...(history ? { history } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function seedAndScan(
  storageConnectionString: string,
  hostPort: number,
  masterKey: string,
  history: { weeks: number; now?: Date },
): Promise<{ seeded: HistorySummary; scanRunId: string }> {
  const seeded = await seedHistory({
    storageConnectionString,
    weeks: history.weeks,
    now: history.now ?? new Date(),
  });
  const scanRunId = await scanRegistrationNow({
    hostOrigin: `http://localhost:${hostPort}`,
    masterKey,
    storageConnectionString,
    after: seeded.snapshots.latestRunId,
  });
  return { seeded, scanRunId };
}
