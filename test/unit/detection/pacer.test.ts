import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { PacingHandler, RequestPacer } from '../../../src/lib/detection/pacer';

// The reports API pacer: at most `limit` request starts in any `windowMs`, callers in order.

const WINDOW_MS = 40;

async function starts(pacer: RequestPacer, count: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      await pacer.acquire();
      times.push(Date.now());
    }),
  );
  return times;
}

describe('RequestPacer', () => {
  it('lets `limit` requests start at once and holds the next until the first leaves the window', async () => {
    const times = await starts(new RequestPacer(2, WINDOW_MS), 3);
    expect(times).toHaveLength(3);
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(WINDOW_MS);
  });

  it('serves callers in the order they asked', async () => {
    const pacer = new RequestPacer(1, 5);
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (n) => {
        await pacer.acquire();
        order.push(n);
      }),
    );
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('reads its own clock: a start older than the window no longer counts', async () => {
    let now = 0;
    const pacer = new RequestPacer(1, 1000, () => now);
    await pacer.acquire();
    now = 1000;
    await pacer.acquire(); // would wait a whole (real) second if the first start still counted
    now = 1999;
    const third = pacer.acquire();
    let done = false;
    void third.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    now = 2000;
    await third;
  });

  it('is off at 0', async () => {
    let reads = 0;
    const pacer = new RequestPacer(0, 10_000, () => {
      reads += 1;
      return 0;
    });
    await starts(pacer, 10);
    expect(reads).toBe(0);
  });

  it('keeps serving after one caller’s turn failed', async () => {
    let fail = true;
    const pacer = new RequestPacer(5, 1000, () => {
      if (fail) {
        fail = false;
        throw new Error('clock failed');
      }
      return Date.now();
    });
    await expect(pacer.acquire()).rejects.toThrow('clock failed');
    await expect(pacer.acquire()).resolves.toBeUndefined();
  });
});

describe('PacingHandler', () => {
  it('passes each request on once the pacer lets it start', async () => {
    const passed: number[] = [];
    const next: Middleware = {
      execute: () => {
        passed.push(Date.now());
        return Promise.resolve();
      },
    };
    const handler = new PacingHandler(new RequestPacer(1, WINDOW_MS));
    handler.setNext(next);
    const context = {} as Context;
    await Promise.all([handler.execute(context), handler.execute(context)]);
    expect(passed).toHaveLength(2);
    expect((passed[1] ?? 0) - (passed[0] ?? 0)).toBeGreaterThanOrEqual(WINDOW_MS);
  });

  it('refuses to run without a next middleware', async () => {
    const handler = new PacingHandler(new RequestPacer(0, 1));
    await expect(handler.execute({} as Context)).rejects.toThrow('PacingHandler has no next middleware');
  });
});
