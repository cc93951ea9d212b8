// One invocation, in the worker's order (src/eventHandlers/InvocationHandler.ts):
// getInvocationModel → getArguments → preInvocation hooks → invokeFunction → postInvocation
// hooks → getResponse, with `state` kept accurate so the library's "log after the function
// finished" warning means what it says.

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import type { AppRegistry } from './app-registry';
import type {
  CoreInvocationContext,
  RpcInvocationResponse,
  RpcTraceContext,
  RpcTypedData,
} from './core-types';
import { HostSystemError, toError } from './errors';
import type { HostedFunction } from './function-index';
import { createPostInvocationContext, createPreInvocationContext } from './hook-contexts';
import { executeHooks } from './hooks';
import type { HostLogger, InvocationLogScope } from './host-log';

export interface InvocationTrigger {
  /** The trigger binding's value (`{ http }` for HTTP, `{ json }` TimerInfo for timers). */
  readonly data: RpcTypedData;
  /** Shown in the "Executing" line, as the host does. */
  readonly reason: string;
  readonly traceContext?: RpcTraceContext;
}

export type InvocationOutcome =
  | { readonly status: 'succeeded'; readonly invocationId: string; readonly response: RpcInvocationResponse }
  | { readonly status: 'failed'; readonly invocationId: string; readonly error: Error };

export interface InvokeDeps {
  readonly registry: AppRegistry;
  readonly logger: HostLogger;
}

export type Invoke = (fn: HostedFunction, trigger: InvocationTrigger) => Promise<InvocationOutcome>;

export function createInvoker(deps: InvokeDeps): Invoke {
  return (fn, trigger) => invokeFunction(deps, fn, trigger);
}

/** Never throws: a failure (in the handler, a hook or the library) is a 'failed' outcome. */
export async function invokeFunction(
  deps: InvokeDeps,
  fn: HostedFunction,
  trigger: InvocationTrigger,
): Promise<InvocationOutcome> {
  const invocationId = randomUUID();
  const scope: InvocationLogScope = { functionName: fn.name, invocationId, hookData: {} };
  const started = performance.now();
  const elapsed = (): string => `${Math.round(performance.now() - started)}ms`;
  deps.logger.host(
    'information',
    `Executing 'Functions.${fn.name}' (Reason='${trigger.reason}', Id=${invocationId})`,
  );
  try {
    const response = await runInvocation(deps, fn, trigger, scope);
    deps.logger.host(
      'information',
      `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${elapsed()})`,
    );
    return { status: 'succeeded', invocationId, response };
  } catch (thrown) {
    const error = toError(thrown);
    deps.logger.host(
      'error',
      `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${elapsed()})\n${error.stack ?? error.message}`,
    );
    return { status: 'failed', invocationId, error };
  }
}

async function runInvocation(
  { registry, logger }: InvokeDeps,
  fn: HostedFunction,
  trigger: InvocationTrigger,
  scope: InvocationLogScope,
): Promise<RpcInvocationResponse> {
  const programmingModel = registry.programmingModel;
  if (!programmingModel)
    throw new HostSystemError('No programming model is set; the app never imported @azure/functions.');
  const { registered } = fn;
  const coreContext: CoreInvocationContext = {
    invocationId: scope.invocationId,
    request: {
      invocationId: scope.invocationId,
      functionId: registered.id,
      // Named by the trigger binding, or the library fails with 'Failed to find binding'.
      inputData: [{ name: fn.triggerBindingName, data: trigger.data }],
      traceContext: trigger.traceContext ?? null,
    },
    metadata: {
      name: registered.metadata.name,
      functionId: registered.id,
      bindings: registered.metadata.bindings,
    },
    state: undefined,
    log: (level, category, message) => logger.worker(level, category, message, scope),
  };

  const model = await programmingModel.getInvocationModel(coreContext);
  const { context, inputs } = await model.getArguments();
  scope.invocationContext = context;
  const hookScope = { registry, hookData: scope.hookData, invocationContext: context, inputs };

  // Hooks may replace the inputs and the handler.
  const preContext = createPreInvocationContext(hookScope, registered.callback);
  coreContext.state = 'preInvocationHooks';
  try {
    await executeHooks(registry, logger, 'preInvocation', preContext, scope);
  } finally {
    coreContext.state = undefined;
  }

  const postContext = createPostInvocationContext({ ...hookScope, inputs: preContext.inputs });
  coreContext.state = 'invocation';
  try {
    postContext.result = await model.invokeFunction(context, preContext.inputs, preContext.functionCallback);
  } catch (thrown) {
    postContext.error = thrown;
  } finally {
    coreContext.state = undefined;
  }

  // Hooks may replace the result or clear the error.
  coreContext.state = 'postInvocationHooks';
  try {
    await executeHooks(registry, logger, 'postInvocation', postContext, scope);
  } finally {
    coreContext.state = undefined;
  }
  if (postContext.error !== null && postContext.error !== undefined) throw toError(postContext.error);
  return await model.getResponse(context, postContext.result);
}
