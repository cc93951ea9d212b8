import type { AppRegistry } from './app-registry';
import type { HookName } from './core-types';
import type { HostLogger } from './host-log';

/** Runs hooks in registration order; a throwing hook stops the rest and fails the caller (worker). */
export async function executeHooks(
  registry: AppRegistry,
  logger: HostLogger,
  hookName: HookName,
  context: unknown,
  scope?: { functionName: string; invocationId: string },
): Promise<void> {
  const hooks = registry.hooksFor(hookName);
  if (hooks.length === 0) return;
  logger.host('debug', `Executing ${hooks.length} "${hookName}" hooks`, scope);
  for (const hook of hooks) {
    await hook(context);
  }
  logger.host('debug', `Executed "${hookName}" hooks`, scope);
}
