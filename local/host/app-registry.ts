import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookData,
  HookName,
  ProgrammingModel,
} from './core-types';
import { Disposable } from './disposable';
import { HostRangeError, HostSystemError } from './errors';

export interface RegisteredFunction {
  readonly id: string;
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
  /** The entry-point file that was loading when the function registered (worker: scriptFile). */
  readonly entryPoint: string | undefined;
}

const HOOK_NAMES: readonly HookName[] = [
  'appStart',
  'appTerminate',
  'preInvocation',
  'postInvocation',
  'log',
];

function isHookName(name: string): name is HookName {
  return (HOOK_NAMES as readonly string[]).includes(name);
}

/**
 * What the app registered through `@azure/functions-core`: the worker's AppContext
 * (src/AppContext.ts) without the gRPC parts. One per process, like the worker's.
 */
export class AppRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  /** Shared by every hook in every scope. */
  readonly appHookData: HookData = {};
  /** Shared by app-level hooks only (appStart, appTerminate, logs outside an invocation). */
  readonly appLevelOnlyHookData: HookData = {};
  programmingModel: ProgrammingModel | undefined;
  currentEntryPoint: string | undefined;

  readonly #hooks = new Map<HookName, HookCallback[]>(HOOK_NAMES.map((name) => [name, []]));
  #indexingLocked = false;

  get indexingLocked(): boolean {
    return this.#indexingLocked;
  }

  /** Called once startup has read the registrations: later `app.*` calls must fail loudly. */
  lockIndexing(): void {
    this.#indexingLocked = true;
  }

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.#indexingLocked) {
      throw new HostSystemError('A function can only be registered during app startup.');
    }
    if (typeof metadata.name !== 'string' || metadata.name.length === 0) {
      throw new HostSystemError('A function must have a non-empty name.');
    }
    if (typeof callback !== 'function') {
      throw new HostSystemError(`Function "${metadata.name}" must have a handler.`);
    }
    const id = metadata.functionId || metadata.name;
    if (this.functions.has(id)) {
      throw new HostSystemError(`A function with id "${id}" has already been registered.`);
    }
    this.functions.set(id, { id, metadata, callback, entryPoint: this.currentEntryPoint });
    return new Disposable(() => {
      if (this.#indexingLocked) {
        throw new HostSystemError('A function can only be disposed during app startup.');
      }
      this.functions.delete(id);
    });
  }

  registerHook(hookName: string, callback: HookCallback): Disposable {
    const hooks = this.#hookList(hookName);
    hooks.push(callback);
    return new Disposable(() => {
      const index = hooks.indexOf(callback);
      if (index >= 0) hooks.splice(index, 1);
    });
  }

  /** A copy, so a hook that disposes itself does not disturb the loop running it. */
  hooksFor(hookName: HookName): readonly HookCallback[] {
    return [...this.#hookList(hookName)];
  }

  #hookList(hookName: string): HookCallback[] {
    const hooks = isHookName(hookName) ? this.#hooks.get(hookName) : undefined;
    if (!hooks) throw new HostRangeError(`Unrecognized hook "${hookName}"`);
    return hooks;
  }
}
