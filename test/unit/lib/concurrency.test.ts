import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { forEachLimited } from '../../../src/lib/concurrency';

describe('forEachLimited', () => {
  it('runs every item once, never more than the limit at a time', async () => {
    const seen: number[] = [];
    let running = 0;
    let peak = 0;
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(item % 3);
      seen.push(item);
      running -= 1;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('starts nothing after a failure and throws it once the others have settled', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachLimited([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 0) throw new Error('boom');
      await sleep(5);
      finished.push(item);
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });

  it('pulls items from a generator only as workers become free', async () => {
    const made: number[] = [];
    function* items() {
      for (let item = 0; item < 5; item += 1) {
        made.push(item);
        yield item;
      }
    }
    const madeWhenStarted: number[] = [];
    await forEachLimited(items(), 2, async () => {
      madeWhenStarted.push(made.length);
      await sleep(2);
    });
    expect(made).toEqual([0, 1, 2, 3, 4]);
    expect(madeWhenStarted).toEqual([1, 2, 3, 4, 5]);
  });
});
