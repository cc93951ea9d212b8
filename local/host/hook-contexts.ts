// Hook context objects as the worker builds them (src/startApp.ts, src/eventHandlers/
// InvocationHandler.ts): hookData, appHookData and invocationContext are getters whose setters
// throw, so a hook can fill them in but never swap them out. The library wraps these objects
// (`new PreInvocationContext(coreContext)`) and writes changes to inputs/result/error back here.

import type { AppRegistry } from './app-registry';
import type {
  AppStartContext,
  AppTerminateContext,
  FunctionCallback,
  HookData,
  LogHookContext,
  PostInvocationContext,
  PreInvocationContext,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';
import { ReadOnlyError } from './errors';

export function createAppStartContext(registry: AppRegistry, functionAppDirectory: string): AppStartContext {
  return {
    get hookData(): HookData {
      return registry.appLevelOnlyHookData;
    },
    set hookData(_value: HookData) {
      throw new ReadOnlyError('hookData');
    },
    get appHookData(): HookData {
      return registry.appHookData;
    },
    set appHookData(_value: HookData) {
      throw new ReadOnlyError('appHookData');
    },
    functionAppDirectory,
  };
}

export function createAppTerminateContext(registry: AppRegistry): AppTerminateContext {
  return {
    get hookData(): HookData {
      return registry.appLevelOnlyHookData;
    },
    set hookData(_value: HookData) {
      throw new ReadOnlyError('hookData');
    },
    get appHookData(): HookData {
      return registry.appHookData;
    },
    set appHookData(_value: HookData) {
      throw new ReadOnlyError('appHookData');
    },
  };
}

interface InvocationScope {
  registry: AppRegistry;
  /** One object per invocation, shared by its pre- and post-invocation hooks. */
  hookData: HookData;
  invocationContext: unknown;
  inputs: unknown[];
}

export function createPreInvocationContext(
  scope: InvocationScope,
  functionCallback: FunctionCallback,
): PreInvocationContext {
  return {
    get hookData(): HookData {
      return scope.hookData;
    },
    set hookData(_value: HookData) {
      throw new ReadOnlyError('hookData');
    },
    get appHookData(): HookData {
      return scope.registry.appHookData;
    },
    set appHookData(_value: HookData) {
      throw new ReadOnlyError('appHookData');
    },
    get invocationContext(): unknown {
      return scope.invocationContext;
    },
    set invocationContext(_value: unknown) {
      throw new ReadOnlyError('invocationContext');
    },
    inputs: scope.inputs,
    functionCallback,
  };
}

export function createPostInvocationContext(scope: InvocationScope): PostInvocationContext {
  return {
    get hookData(): HookData {
      return scope.hookData;
    },
    set hookData(_value: HookData) {
      throw new ReadOnlyError('hookData');
    },
    get appHookData(): HookData {
      return scope.registry.appHookData;
    },
    set appHookData(_value: HookData) {
      throw new ReadOnlyError('appHookData');
    },
    get invocationContext(): unknown {
      return scope.invocationContext;
    },
    set invocationContext(_value: unknown) {
      throw new ReadOnlyError('invocationContext');
    },
    inputs: scope.inputs,
    result: null,
    error: null,
  };
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
  return {
    get hookData(): HookData {
      return scope.hookData;
    },
    set hookData(_value: HookData) {
      throw new ReadOnlyError('hookData');
    },
    get appHookData(): HookData {
      return scope.appHookData;
    },
    set appHookData(_value: HookData) {
      throw new ReadOnlyError('appHookData');
    },
    get invocationContext(): unknown {
      return scope.invocationContext;
    },
    set invocationContext(_value: unknown) {
      throw new ReadOnlyError('invocationContext');
    },
    get category(): RpcLogCategory {
      return scope.category;
    },
    set category(_value: RpcLogCategory) {
      throw new ReadOnlyError('category');
    },
    level: scope.level,
    message: scope.message,
  };
}
