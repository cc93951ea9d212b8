import type { AppRegistry } from './app-registry';
import type { HookData, RpcLogCategory, RpcLogLevel } from './core-types';
import { toError } from './errors';
import { createLogHookContext } from './hook-contexts';

const LEVEL_ORDER: Record<RpcLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

export function isLogLevel(value: string): value is RpcLogLevel {
  return Object.hasOwn(LEVEL_ORDER, value);
}

export interface LogOutput {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: LogOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

export interface InvocationLogScope {
  functionName: string;
  invocationId: string;
  /** The library's InvocationContext, once getArguments() has built it (for log hooks). */
  invocationContext?: unknown;
  hookData: HookData;
}

/**
 * `[time] Functions.name[Id=…] level: message`, one line per record; continuation lines of a
 * multi-line message (stack traces) are indented so they still read as part of the record.
 */
export function formatLogLine(
  time: Date,
  level: RpcLogLevel,
  message: string,
  scope?: { functionName: string; invocationId: string },
): string {
  const where = scope ? `Functions.${scope.functionName}[Id=${scope.invocationId}] ` : '';
  const tag = level === 'information' ? '' : `${level}: `;
  return `[${time.toISOString()}] ${where}${tag}${message.replace(/\r?\n/g, '\n    ')}`;
}

/**
 * Prints logs the way `func start` does and feeds worker-side logs to the app's log hooks.
 * Host-side lines (startup, Executing/Executed) bypass the hooks, as they do in Azure.
 */
export class HostLogger {
  readonly #registry: AppRegistry;
  readonly #output: LogOutput;
  readonly #minLevel: RpcLogLevel;
  #inLogHook = false;

  constructor(registry: AppRegistry, output: LogOutput, minLevel: RpcLogLevel) {
    this.#registry = registry;
    this.#output = output;
    this.#minLevel = minLevel;
  }

  /** A log from the app or the library (`context.log`, `coreApi.log`). */
  worker(level: RpcLogLevel, category: RpcLogCategory, message: string, scope?: InvocationLogScope): void {
    const final = this.#runLogHooks(level, category, message, scope);
    this.#print(final.level, final.message, scope);
  }

  /** A line from the host itself. */
  host(level: RpcLogLevel, message: string, scope?: { functionName: string; invocationId: string }): void {
    this.#print(level, message, scope);
  }

  #print(level: RpcLogLevel, message: string, scope?: { functionName: string; invocationId: string }): void {
    if (level === 'none' || LEVEL_ORDER[level] < LEVEL_ORDER[this.#minLevel]) return;
    const line = formatLogLine(new Date(), level, message, scope);
    if (LEVEL_ORDER[level] >= LEVEL_ORDER.warning) this.#output.err(line);
    else this.#output.out(line);
  }

  #runLogHooks(
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
    scope: InvocationLogScope | undefined,
  ): { level: RpcLogLevel; message: string } {
    const hooks = this.#registry.hooksFor('log');
    // A hook that logs would call back in here; its own logs are printed, not re-hooked.
    if (hooks.length === 0 || this.#inLogHook) return { level, message };
    const context = createLogHookContext({
      appHookData: this.#registry.appHookData,
      hookData: scope?.hookData ?? this.#registry.appLevelOnlyHookData,
      invocationContext: scope?.invocationContext,
      category,
      level,
      message,
    });
    this.#inLogHook = true;
    try {
      for (const hook of hooks) hook(context);
    } catch (thrown) {
      this.#print('warning', `A log hook failed: ${toError(thrown).message}`, scope);
    } finally {
      this.#inLogHook = false;
    }
    // Hooks may rewrite user logs only; system logs keep their original text (types-core docs).
    if (category !== 'user') return { level, message };
    const rewrittenLevel: string = context.level;
    return {
      level: isLogLevel(rewrittenLevel) ? rewrittenLevel : level,
      message: typeof context.message === 'string' ? context.message : message,
    };
  }
}
