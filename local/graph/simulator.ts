import { handleControlRequest } from './control';
import type { DirectoryThrottling, DirectoryThrottlingInput } from './directory-throttle';
import { FaultInjector, type FaultRule, type FaultSpec, type Latency } from './faults';
import { GRAPH_FILES } from './files';
import { listenHttps } from './http-server';
import { handleGraphRequest } from './pipeline';
import type { ReportsThrottling, ReportsThrottlingInput } from './rate-limit';
import { RequestLog, type RequestLogEntry } from './request-log';
import { type RouteInfo, Router } from './router';
import { GRAPH_ROUTES } from './routes';
import type { SignInSeed, TenantData, TenantSeed } from './seed-schema';
import {
  addSignIns,
  type GeneratedSignIns,
  generateSignIns,
  type GenerateSignInsSpec,
} from './sign-in-generator';
import type { SignInInput } from './sign-in-store';
import { loadSeedFile, parseSeed, Tenant } from './tenant';

export const DEMO_SEED_PATH = GRAPH_FILES.demoSeed;

export interface GraphSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** A seed object, or the path of a seed JSON file. */
  seed: TenantSeed | string;
  /** The identity endpoint's public key: only tokens it signed are accepted. */
  tokenPublicKeyPem: string;
  /** Tokens must carry this `tid`; the seed's tenant id by default. */
  tenantId?: string;
  /**
   * The sign-in logs' limit (Graph: 5 requests per 10 s per app per tenant, the default);
   * `{ enabled: false }` for benchmarks.
   */
  reportsThrottling?: ReportsThrottlingInput;
  /**
   * The directory (identity and access) limits: on by default with Graph's quotas for the tenant's
   * size; `{ enabled: false }` for benchmarks, or smaller numbers for tests.
   */
  directoryThrottling?: DirectoryThrottlingInput;
}

export interface GraphSimulator {
  /** `https://localhost:PORT`; Graph paths start with /v1.0 or /beta. */
  url: string;
  port: number;
  /** The live tenant state. */
  tenant: Tenant;
  /** The operations served (method, version, OpenAPI path template). */
  routes: readonly RouteInfo[];
  /** Back to the starting seed, or to the given one. */
  reset(seed?: TenantSeed): void;
  state(): TenantData;
  injectFault(spec: FaultSpec): FaultRule;
  faults(): FaultRule[];
  /** Drops queued faults and the latency of every request. */
  clearFaults(): void;
  /** Adds `latencyMs` to every Graph request and each batch step (not the envelope), until cleared. */
  setLatency(latency: Latency): Latency;
  latency(): Latency;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** Adds sign-in events (Graph's signIn shape, missing fields defaulted, optional `visibleAfter`). */
  addSignIns(events: readonly SignInInput[]): SignInSeed[];
  /** N events across M users with a mix of codes; deterministic for a given spec. */
  generateSignIns(spec: GenerateSignInsSpec): GeneratedSignIns;
  /** Changes the sign-in logs' limit (and forgets requests counted so far). */
  setReportsThrottling(settings: ReportsThrottlingInput): ReportsThrottling;
  /** The reports limit on a user's authentication methods (rate-limit.ts); off unless set. */
  setAuthenticationMethodsThrottling(settings: ReportsThrottlingInput): ReportsThrottling;
  reportsThrottling(): ReportsThrottling;
  /** Changes the directory limits (and forgets the units and writes used so far). */
  setDirectoryThrottling(settings: DirectoryThrottlingInput): DirectoryThrottling;
  directoryThrottling(): DirectoryThrottling;
  close(): Promise<void>;
}

/** Starts the HTTPS Graph simulator holding a stateful fake tenant. */
export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<GraphSimulator> {
  const initial = typeof options.seed === 'string' ? loadSeedFile(options.seed) : parseSeed(options.seed);
  const tenant = new Tenant(initial);
  if (options.reportsThrottling !== undefined) tenant.reportsThrottle.configure(options.reportsThrottling);
  if (options.directoryThrottling !== undefined)
    tenant.directoryThrottle.configure(options.directoryThrottling);
  const faults = new FaultInjector();
  const log = new RequestLog();
  const router = new Router(GRAPH_ROUTES);
  const deps = {
    tenant,
    router,
    faults,
    log,
    tokenPublicKeyPem: options.tokenPublicKeyPem,
    tenantId: () => options.tenantId ?? tenant.id,
  };
  const { server, port } = await listenHttps(
    {
      graph: async (request) => await handleGraphRequest(request, deps),
      control: (request) => handleControlRequest(request, deps),
    },
    options.port ?? 0,
  );

  return {
    // localhost, not 127.0.0.1: the certificate names both, and the Graph client's customHosts match host names.
    url: `https://localhost:${port}`,
    port,
    tenant,
    routes: router.list(),
    reset: (seed) => tenant.reset(seed === undefined ? undefined : parseSeed(seed)),
    state: () => tenant.snapshot(),
    injectFault: (spec) => faults.add(spec),
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    setLatency: (latency) => faults.setLatency(latency),
    latency: () => faults.latency(),
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    addSignIns: (events) => addSignIns(tenant, events),
    generateSignIns: (spec) => generateSignIns(tenant, spec),
    setReportsThrottling: (settings) => tenant.reportsThrottle.configure(settings),
    setAuthenticationMethodsThrottling: (settings) =>
      tenant.authenticationMethodsThrottle.configure(settings),
    reportsThrottling: () => tenant.reportsThrottle.current(),
    setDirectoryThrottling: (settings) => tenant.directoryThrottle.configure(settings),
    directoryThrottling: () => tenant.directoryThrottle.current(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
