import { handleControlRequest } from './control';
import { FaultInjector, type FaultRule, type FaultSpec } from './faults';
import { GRAPH_FILES } from './files';
import { listenHttps } from './http-server';
import { handleGraphRequest } from './pipeline';
import { RequestLog, type RequestLogEntry } from './request-log';
import { type RouteInfo, Router } from './router';
import { GRAPH_ROUTES } from './routes';
import type { TenantData, TenantSeed } from './seed-schema';
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
  clearFaults(): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  close(): Promise<void>;
}

/** Starts the HTTPS Graph simulator holding a stateful fake tenant. */
export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<GraphSimulator> {
  const initial = typeof options.seed === 'string' ? loadSeedFile(options.seed) : parseSeed(options.seed);
  const tenant = new Tenant(initial);
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
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
