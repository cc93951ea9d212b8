import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

import { currentDeadline, DeadlinePassedError } from '../deadline';

/**
 * Bounds every attempt of a Graph request by the running action's deadline: past it the attempt
 * is not sent (DeadlinePassedError), and one in flight is aborted when it passes. It sits after
 * the retry handler, so a retry that would start late is refused too.
 */
export class DeadlineHandler implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    const deadline = currentDeadline();
    if (deadline) {
      if (Date.now() >= deadline.tenantAt) {
        throw new DeadlinePassedError('The action deadline passed before this Graph request could start.');
      }
      const own = context.options?.signal;
      context.options = {
        ...context.options,
        signal: own ? AbortSignal.any([own, deadline.tenantSignal]) : deadline.tenantSignal,
      };
    }
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
