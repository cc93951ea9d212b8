import { afterAll, beforeAll, beforeEach } from 'vitest';

import { type Stack, type StackOptions, startStack } from '../../local/stack';
import { checkGraphCalls } from './graph-calls-check';

export interface StackFixtureOptions {
  /** How long beforeAll may take to start the stack (vitest's hookTimeout otherwise). */
  startTimeoutMs?: number;
  /** Put the tenant back to its seed, and clear faults and the request log, before each test. */
  resetGraphBeforeEach?: boolean;
}

/**
 * Registers the hooks of an e2e file that runs one local stack: beforeAll starts it (on a free
 * port, timers off, plus `options`; a function when they depend on an earlier beforeAll), after
 * each test every Graph request the app sent must be listed (graph-calls-check.ts), afterAll stops
 * it. Returns the running stack, there once beforeAll has run. Call it at the top level of the
 * file, before any beforeAll that uses the stack; its afterAll then runs after theirs.
 */
export function useStack(
  options: StackOptions | (() => StackOptions) = {},
  fixture: StackFixtureOptions = {},
): () => Stack {
  let stack: Stack | undefined;
  checkGraphCalls(() => stack?.graph);

  beforeAll(async () => {
    stack = await startStack({
      hostPort: 0,
      timers: false,
      ...(typeof options === 'function' ? options() : options),
    });
  }, fixture.startTimeoutMs);

  if (fixture.resetGraphBeforeEach === true)
    beforeEach(() => {
      stack?.graph.reset();
      stack?.graph.clearFaults();
      stack?.graph.clearRequests();
    });

  afterAll(async () => {
    await stack?.stop();
  });

  return () => {
    if (stack === undefined) throw new Error('The stack is there only once beforeAll has run');
    return stack;
  };
}
