import { describe, expect, it } from 'vitest';

import { RequestPacer } from '../../../src/lib/detection/pacer';
import { scanWindow } from '../../../src/lib/detection/scan-window';

const SETTINGS = {
  lookBackMs: 135 * 60_000,
  endOffsetMs: 2 * 60_000,
  backfillMs: 24 * 3_600_000,
  retentionMs: 7 * 86_400_000,
};
const NOW = new Date('2026-11-25T12:00:00Z');

describe('scanWindow', () => {
  it('backfills on the first run', () => {
    const window = scanWindow(undefined, NOW, SETTINGS);
    expect(window).toEqual({
      start: new Date('2026-11-24T12:00:00Z'),
      end: new Date('2026-11-25T11:58:00Z'),
      gap: false,
    });
  });

  it('starts the look-back before the watermark', () => {
    expect(scanWindow('2026-11-25T11:53:00Z', NOW, SETTINGS).start).toEqual(new Date('2026-11-25T09:38:00Z'));
  });

  it('reports a gap when the watermark is older than retention, and starts inside retention', () => {
    const window = scanWindow('2026-11-10T00:00:00Z', NOW, SETTINGS);
    expect(window.gap).toBe(true);
    expect(window.start).toEqual(new Date('2026-11-18T12:01:00Z'));
  });
});

describe('RequestPacer', () => {
  it('lets `limit` requests start per window and holds the next', async () => {
    let now = 0;
    const pacer = new RequestPacer(2, 50, () => now);
    await pacer.acquire();
    await pacer.acquire();
    let third = false;
    const pending = pacer.acquire().then(() => (third = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(third).toBe(false);
    now = 51;
    await pending;
    expect(third).toBe(true);
  });

  it('is off with a limit of 0: a hundred requests start at once, on a clock that never moves', async () => {
    const pacer = new RequestPacer(0, 10_000, () => 0);
    let started = 0;
    const all = Array.from({ length: 100 }, () => pacer.acquire().then(() => (started += 1)));
    // One turn of the event loop: a pacer that held any of them would be sleeping its window out.
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(100);
    await Promise.all(all);
  });
});
