import { setTimeout as sleep } from 'node:timers/promises';

import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/**
 * A sliding-window limiter: at most `limit` starts in any `windowMs`. One per process for the
 * reports API (Graph allows 5 per 10 s per app and tenant; the default keeps 4 for headroom).
 * `limit` 0 = off.
 */
export class RequestPacer {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Resolves when a request may start; callers are served in order. */
  async acquire(): Promise<void> {
    if (this.limit <= 0) return;
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    await turn;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock();
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.windowMs) this.starts.shift();
      if (this.starts.length < this.limit) {
        this.starts.push(now);
        return;
      }
      await sleep((this.starts[0] ?? now) + this.windowMs - now + 1);
    }
  }
}

/** Graph client middleware: every request through it (retries included) waits for the pacer. */
export class PacingHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly pacer: RequestPacer) {}

  async execute(context: Context): Promise<void> {
    await this.pacer.acquire();
    if (!this.next) throw new Error('PacingHandler has no next middleware');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
