// The in-process API: start the app's functions on an HTTP port, with timers. main.ts wraps it
// for a child process. The core module is process-global, so one host per process.

import type { AddressInfo } from 'node:net';

import { createAdminApi } from './admin';
import { AppRegistry } from './app-registry';
import { createCoreApi, installCoreModule } from './core-module';
import type { RpcLogLevel } from './core-types';
import { toError } from './errors';
import type { HttpFunction, TimerFunction } from './function-index';
import { createAppTerminateContext } from './hook-contexts';
import { executeHooks } from './hooks';
import { HostLogger, type LogOutput, processOutput } from './host-log';
import { createHostServer } from './http-server';
import { createInvoker } from './invoke';
import { generateKey, type HostKeys } from './keys';
import { RouteTable } from './route-table';
import { startApp } from './start-app';
import { type FunctionSummary, summarizeFunctions } from './summary';
import { TimerScheduler } from './timers';

export const DEFAULT_PORT = 7071;
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;
const SHUTDOWN_GRACE_MS = 3000;

export interface HostOptions {
  /** Where package.json, host.json and local.settings.json are. */
  readonly appDir: string;
  /** Overrides package.json `main`: a glob relative to appDir. */
  readonly main?: string | undefined;
  /** Default: local.settings.json Host.LocalHttpPort, else 7071. 0 picks a free port. */
  readonly port?: number | undefined;
  /** Interface to listen on; default 127.0.0.1. */
  readonly hostname?: string | undefined;
  /** Generated when absent (see RunningHost.keysGenerated). */
  readonly functionKey?: string | undefined;
  readonly masterKey?: string | undefined;
  /** false: no schedules and no runOnStartup; the admin endpoint still runs timers. Default true. */
  readonly timers?: boolean | undefined;
  /** Larger request bodies get 413. Default 1 MiB (Azure allows 100 MB). */
  readonly maxRequestBodyBytes?: number | undefined;
  /** Default 'information'. */
  readonly logLevel?: RpcLogLevel | undefined;
  readonly output?: LogOutput | undefined;
}

export interface RunningHost {
  readonly port: number;
  /** `http://localhost:<port>`, without the route prefix. */
  readonly url: string;
  readonly routePrefix: string;
  readonly keys: HostKeys;
  readonly keysGenerated: boolean;
  readonly functions: readonly FunctionSummary[];
  /** Stops timers and the server, waits for running invocations, runs appTerminate hooks. */
  stop(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const registry = new AppRegistry();
  const logger = new HostLogger(registry, options.output ?? processOutput, options.logLevel ?? 'information');
  installCoreModule(
    createCoreApi(registry, (level, category, message) => logger.worker(level, category, message)),
  );

  const app = await startApp({ appDir: options.appDir, main: options.main, registry, logger });
  const keys: HostKeys = {
    functionKey: options.functionKey ?? generateKey(),
    masterKey: options.masterKey ?? generateKey(),
  };
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES;
  const invoke = createInvoker({ registry, logger });
  const httpFunctions = app.functions.filter((fn): fn is HttpFunction => fn.kind === 'http');
  const timerFunctions = app.functions.filter((fn): fn is TimerFunction => fn.kind === 'timer');
  const timers = new TimerScheduler(timerFunctions, invoke, logger, {
    timezone: process.env.WEBSITE_TIME_ZONE || undefined,
  });
  for (const fn of app.functions) {
    if (fn.unsupportedBindings.length > 0) {
      logger.host(
        'warning',
        `${fn.name}: bindings ${fn.unsupportedBindings.join(', ')} are not carried out by the local host.`,
      );
    }
  }
  const admin = createAdminApi({
    keys,
    functions: app.functions,
    timers,
    invoke,
    maxRequestBodyBytes,
    startedAt: Date.now(),
  });
  const routes = new RouteTable(
    httpFunctions.map((fn) => ({
      template: fn.route,
      methods: fn.methods ? new Set(fn.methods) : undefined,
      target: fn,
      name: fn.name,
    })),
  );
  const server = createHostServer({
    routePrefix: app.routePrefix,
    routes,
    keys,
    invoke,
    admin,
    maxRequestBodyBytes,
    logger,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? app.localHttpPort ?? DEFAULT_PORT, options.hostname ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  if (options.timers ?? true) timers.start();
  else logger.host('information', 'Timers are disabled; run them with POST /admin/functions/{name}.');

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    timers.stop();
    await closeServer(server);
    await Promise.all([timers.whenIdle(), admin.whenIdle()]);
    try {
      await executeHooks(registry, logger, 'appTerminate', createAppTerminateContext(registry));
    } catch (thrown) {
      logger.host('error', `An appTerminate hook failed: ${toError(thrown).message}`);
    }
  }

  return {
    port,
    url,
    routePrefix: app.routePrefix,
    keys,
    keysGenerated: options.functionKey === undefined || options.masterKey === undefined,
    functions: summarizeFunctions(app.functions, url, app.routePrefix),
    stop: () => (stopping ??= stop()),
  };
}

/** Lets in-flight requests finish for a moment, then drops whatever is left. */
async function closeServer(server: ReturnType<typeof createHostServer>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await closed;
  clearTimeout(grace);
}
