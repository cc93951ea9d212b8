// Hook context objects as the worker builds them (src/startApp.ts, src/eventHandlers/
// InvocationHandler.ts): hookData, appHookData and invocationContext are getters whose setters
// throw, so a hook can fill them in but never swap them out. The library wraps these objects
// (`new PreInvocationContext(coreContext)`) and writes changes to inputs/result/error back here.

import type { AppRegistry } from './app-registry';
import type {
  AppStartContext,
  AppTerminateContext,
  FunctionCallback,
  HookContextBase,
  HookData,
  LogHookContext,
  PostInvocationContext,
  PreInvocationContext,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';
import { ReadOnlyError } from './errors';

/** For each property, a function that reads its current value. */
type Readers<T> = { [K in keyof T]: () => T[K] };

/**
 * An object whose properties read through `readers` and throw ReadOnlyError when assigned, as the
 * worker's getter/throwing-setter pairs do. They stay enumerable and configurable, like accessors
 * written in an object literal; the caller adds the writable properties with Object.assign.
 */
function readOnlyProperties<T extends object>(readers: Readers<T>): T {
  const descriptors: PropertyDescriptorMap = {};
  for (const name of Object.keys(readers) as (keyof T & string)[]) {
    descriptors[name] = {
      get: readers[name],
      set: () => {
        throw new ReadOnlyError(name);
      },
      enumerable: true,
      configurable: true,
    };
  }
  return Object.defineProperties({}, descriptors) as T;
}

function appContext(registry: AppRegistry): HookContextBase {
  return readOnlyProperties<HookContextBase>({
    hookData: () => registry.appLevelOnlyHookData,
    appHookData: () => registry.appHookData,
  });
}

export function createAppStartContext(registry: AppRegistry, functionAppDirectory: string): AppStartContext {
  return Object.assign(appContext(registry), { functionAppDirectory });
}

export function createAppTerminateContext(registry: AppRegistry): AppTerminateContext {
  return appContext(registry);
}

interface InvocationScope {
  registry: AppRegistry;
  /** One object per invocation, shared by its pre- and post-invocation hooks. */
  hookData: HookData;
  invocationContext: unknown;
  inputs: unknown[];
}

type InvocationContextBase = Pick<PreInvocationContext, keyof HookContextBase | 'invocationContext'>;

function invocationContextBase(scope: InvocationScope): InvocationContextBase {
  return readOnlyProperties<InvocationContextBase>({
    hookData: () => scope.hookData,
    appHookData: () => scope.registry.appHookData,
    invocationContext: () => scope.invocationContext,
  });
}

export function createPreInvocationContext(
  scope: InvocationScope,
  functionCallback: FunctionCallback,
): PreInvocationContext {
  return Object.assign(invocationContextBase(scope), { inputs: scope.inputs, functionCallback });
}

export function createPostInvocationContext(scope: InvocationScope): PostInvocationContext {
  return Object.assign(invocationContextBase(scope), { inputs: scope.inputs, result: null, error: null });
}

interface LogScope {
  appHookData: HookData;
  hookData: HookData;
  invocationContext: unknown;
  category: RpcLogCategory;
  level: RpcLogLevel;
  message: string;
}

/** level and message stay writable: log hooks may rewrite user logs. */
export function createLogHookContext(scope: LogScope): LogHookContext {
  const readOnly = readOnlyProperties<
    Pick<LogHookContext, keyof HookContextBase | 'invocationContext' | 'category'>
  >({
    hookData: () => scope.hookData,
    appHookData: () => scope.appHookData,
    invocationContext: () => scope.invocationContext,
    category: () => scope.category,
  });
  return Object.assign(readOnly, { level: scope.level, message: scope.message });
}
