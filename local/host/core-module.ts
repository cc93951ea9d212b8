import Module from 'node:module';

import type { AppRegistry } from './app-registry';
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';
import { Disposable } from './disposable';
import { HostSystemError } from './errors';

export const CORE_MODULE_ID = '@azure/functions-core';
export const LOCAL_HOST_VERSION = '4.0.0-local';
const LOCAL_WORKER_VERSION = '3.0.0-local';

/** The object `require('@azure/functions-core')` returns (worker src/setupCoreModule.ts). */
export interface CoreApi {
  readonly version: string;
  readonly hostVersion: string;
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable;
  registerHook(hookName: string, callback: HookCallback): Disposable;
  setProgrammingModel(programmingModel: ProgrammingModel): void;
  getProgrammingModel(): ProgrammingModel | undefined;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
  readonly Disposable: typeof Disposable;
}

export type AppLog = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

export function createCoreApi(registry: AppRegistry, log: AppLog): CoreApi {
  return {
    version: LOCAL_WORKER_VERSION,
    hostVersion: LOCAL_HOST_VERSION,
    registerFunction: (metadata, callback) => registry.registerFunction(metadata, callback),
    registerHook: (hookName, callback) => registry.registerHook(hookName, callback),
    // The last model set wins, as in the worker.
    setProgrammingModel: (programmingModel) => {
      registry.programmingModel = programmingModel;
    },
    getProgrammingModel: () => registry.programmingModel,
    // Its presence also tells the library this "host" is new enough for app.setup() options.
    log,
    Disposable,
  };
}

let installed: CoreApi | undefined;

/**
 * Makes `require('@azure/functions-core')` return `coreApi`, from every module, as the worker does.
 * The library caches a failed lookup for good (test mode), so this must run before any app file
 * calls `app.*`. Process-global: one app per process.
 */
export function installCoreModule(coreApi: CoreApi): void {
  if (installed) {
    throw new HostSystemError(
      `${CORE_MODULE_ID} is already installed in this process; the local host runs one app per process.`,
    );
  }
  installed = coreApi;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the Proxy forwards the caller's `this`
  Module.prototype.require = new Proxy(Module.prototype.require, {
    apply(target, thisArg, args: unknown[]): unknown {
      if (args[0] === CORE_MODULE_ID) return coreApi;
      return Reflect.apply(target, thisArg, args);
    },
  });
}
