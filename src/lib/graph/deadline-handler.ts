import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

import { currentDeadline, DeadlinePassedError } from '../deadline';

/**
 * Bounds every attempt of a Graph request: by its own timeout always (timers and reads outside an
 * action have no other deadline), and by the running action's deadline when there is one: past it
 * the attempt is not sent (DeadlinePassedError), and one in flight is aborted when it passes. It
 * sits after the retry handler, so a retry that would start late is refused too.
 */
export class DeadlineHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly attemptTimeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const deadline = currentDeadline();
    if (deadline && Date.now() >= deadline.tenantAt) {
      throw new DeadlinePassedError('The action deadline passed before this Graph request could start.');
    }
    const signals = [AbortSignal.timeout(this.attemptTimeoutMs)];
    if (deadline) signals.push(deadline.tenantSignal);
    const own = context.options?.signal;
    if (own) signals.push(own);
    context.options = { ...context.options, signal: AbortSignal.any(signals) };
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
