// App startup as the worker does it (src/startApp.ts, getWorkerCapabilities.ts,
// FunctionsMetadataHandler.ts): settings into the environment, every `main` entry point
// required, appStart hooks, getCapabilities (which locks app.setup), then indexing is locked.

import { createRequire } from 'node:module';
import path from 'node:path';

import { readPackageMain, readRoutePrefix, resolveEntryPoints } from './app-files';
import type { AppRegistry } from './app-registry';
import type { WorkerCapabilities } from './core-types';
import { HostSystemError, toError } from './errors';
import { type HostedFunction, indexFunctions } from './function-index';
import { createAppStartContext } from './hook-contexts';
import { executeHooks } from './hooks';
import type { HostLogger } from './host-log';
import { applySettings, readLocalSettings } from './settings';

/** What the worker reports to the host; the library adds its own on top. */
const DEFAULT_CAPABILITIES: WorkerCapabilities = {
  RawHttpBodyBytes: 'true',
  RpcHttpTriggerMetadataRemoved: 'true',
  RpcHttpBodyOnly: 'true',
  IgnoreEmptyValuedRpcHttpHeaders: 'true',
  UseNullableValueDictionaryForHttp: 'true',
  WorkerStatus: 'true',
  TypedDataCollection: 'true',
  HandlesWorkerTerminateMessage: 'true',
};

export interface StartAppOptions {
  readonly appDir: string;
  /** Overrides package.json `main` (a glob relative to appDir). */
  readonly main?: string | undefined;
  readonly registry: AppRegistry;
  readonly logger: HostLogger;
}

export interface StartedApp {
  readonly functions: readonly HostedFunction[];
  readonly routePrefix: string;
  readonly localHttpPort: number | undefined;
}

export async function startApp({ appDir, main, registry, logger }: StartAppOptions): Promise<StartedApp> {
  const settings = readLocalSettings(appDir);
  if (settings) {
    const applied = applySettings(settings.values, process.env);
    logger.host(
      'information',
      `Loaded ${applied.length} of ${Object.keys(settings.values).length} settings from local.settings.json (set variables win).`,
    );
  }

  const pattern = main ?? readPackageMain(appDir);
  const requireFromApp = createRequire(path.join(appDir, 'package.json'));
  for (const file of resolveEntryPoints(appDir, pattern)) {
    loadEntryPoint(file, appDir, registry, requireFromApp);
  }

  await executeHooks(registry, logger, 'appStart', createAppStartContext(registry, appDir));

  const capabilities = await registry.programmingModel?.getCapabilities?.({ ...DEFAULT_CAPABILITIES });
  if (capabilities?.HttpUri) {
    throw new HostSystemError(
      'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local host does not support.',
    );
  }
  registry.lockIndexing();

  const functions = indexFunctions(registry, process.env);
  if (functions.length === 0) logger.host('warning', `No functions were registered by "${pattern}".`);
  return { functions, routePrefix: readRoutePrefix(appDir), localHttpPort: settings?.localHttpPort };
}

/** A file that fails to load blocks startup, as on Node 20+ in Azure. */
function loadEntryPoint(
  file: string,
  appDir: string,
  registry: AppRegistry,
  requireFromApp: NodeJS.Require,
): void {
  const shown = path.relative(appDir, file) || file;
  if (file.endsWith('.mjs')) {
    throw new HostSystemError(
      `Entry point "${shown}" is an ES module; the local host loads CommonJS builds only.`,
    );
  }
  registry.currentEntryPoint = file;
  try {
    requireFromApp(file);
  } catch (thrown) {
    const error = toError(thrown);
    throw new HostSystemError(`Unable to load entry point "${shown}": ${error.message}`, { cause: error });
  } finally {
    registry.currentEntryPoint = undefined;
  }
}
