import { describe, expect, it } from 'vitest';

import { DirectoryThrottle, tenantSizeQuota } from '../../../local/graph/directory-throttle';

// https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits
// Times are passed in (a fake clock): nothing here waits.

const KEY = 'app|tenant';
const read = (units: number) => ({ units, writes: 0 });
const write = { units: 1, writes: 1 };
const SMALL_TENANT = 18;

describe('tenantSizeQuota', () => {
  it('gives S under 50 users 3,500, M from 50 to 500 5,000, L above 500 8,000 units per 10 s', () => {
    expect([0, 49, 50, 500, 501, 10_000].map(tenantSizeQuota)).toEqual([
      3_500, 3_500, 5_000, 5_000, 8_000, 8_000,
    ]);
  });
});

describe('DirectoryThrottle', () => {
  it("is on by default with Graph's quotas: the tenant's size, 3,000 writes per 2 min 30 s", () => {
    expect(new DirectoryThrottle().current()).toEqual({
      enabled: true,
      resourceUnits: 'tenantSize',
      resourceUnitWindowMs: 10_000,
      writes: 3_000,
      writeWindowMs: 150_000,
    });
  });

  it("lets a small tenant's 3,500 units through in 10 s, then throttles until units are back", () => {
    const throttle = new DirectoryThrottle();
    for (let i = 0; i < 700; i += 1) expect(throttle.take(KEY, read(5), SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take(KEY, read(1), SMALL_TENANT, 0)).toEqual({
      ok: false,
      limit: 'ReadWrite',
      information: 'ResourceUnitLimitExceeded',
      retryAfterSeconds: 1,
    });
    // 3,500 units drain per 10 s: 2 units are back after 6 ms.
    expect(throttle.take(KEY, read(2), SMALL_TENANT, 5).ok).toBe(false);
    expect(throttle.take(KEY, read(2), SMALL_TENANT, 6).ok).toBe(true);
  });

  it('sizes the bucket from the user count it is given (a larger tenant gets more)', () => {
    const throttle = new DirectoryThrottle();
    for (let i = 0; i < 1_000; i += 1) expect(throttle.take(KEY, read(5), 501, 0).ok).toBe(true);
    expect(throttle.take(KEY, read(5), 600, 0).ok).toBe(true);
    expect(throttle.take(KEY, read(1), SMALL_TENANT, 0).ok).toBe(false);
  });

  it('answers Retry-After in whole seconds until enough units have drained', () => {
    const throttle = new DirectoryThrottle();
    throttle.configure({ resourceUnits: 10, resourceUnitWindowMs: 10_000 });
    expect(throttle.take(KEY, read(10), SMALL_TENANT, 0).ok).toBe(true);
    // 1 unit per second drains; 5 must be free.
    expect(throttle.take(KEY, read(5), SMALL_TENANT, 0)).toMatchObject({ ok: false, retryAfterSeconds: 5 });
    expect(throttle.take(KEY, read(5), SMALL_TENANT, 2_500)).toMatchObject({ retryAfterSeconds: 3 });
    expect(throttle.take(KEY, read(5), SMALL_TENANT, 5_000)).toMatchObject({ ok: true });
  });

  it('keeps apps and tenants apart', () => {
    const throttle = new DirectoryThrottle();
    throttle.configure({ resourceUnits: 1 });
    expect(throttle.take('a|t', read(1), SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take('a|t', read(1), SMALL_TENANT, 0).ok).toBe(false);
    expect(throttle.take('b|t', read(1), SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take('a|u', read(1), SMALL_TENANT, 0).ok).toBe(true);
  });

  it('throttles writes past their own limit while reads still pass', () => {
    const throttle = new DirectoryThrottle();
    throttle.configure({ writes: 2, writeWindowMs: 150_000 });
    expect(throttle.take(KEY, write, SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take(KEY, write, SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take(KEY, write, SMALL_TENANT, 0)).toEqual({
      ok: false,
      limit: 'Write',
      information: 'WriteLimitExceeded',
      retryAfterSeconds: 75,
    });
    expect(throttle.take(KEY, read(1), SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take(KEY, write, SMALL_TENANT, 75_000).ok).toBe(true);
  });

  it('reports the share of the limit in use after each request', () => {
    const throttle = new DirectoryThrottle();
    throttle.configure({ resourceUnits: 10, writes: 4 });
    expect(throttle.take(KEY, read(8), SMALL_TENANT, 0)).toEqual({ ok: true, usage: 0.8 });
    expect(throttle.take(KEY, read(1), SMALL_TENANT, 0)).toEqual({ ok: true, usage: 0.9 });
    // The nearer limit counts: 1 of 4 writes is less than 10 of 10 units.
    expect(throttle.take(KEY, write, SMALL_TENANT, 0)).toEqual({ ok: true, usage: 1 });
  });

  it('lets one request through an idle bucket even when its cost exceeds a custom limit', () => {
    const throttle = new DirectoryThrottle();
    throttle.configure({ resourceUnits: 2, resourceUnitWindowMs: 1_000 });
    expect(throttle.take(KEY, read(5), SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take(KEY, read(5), SMALL_TENANT, 0)).toMatchObject({ ok: false, retryAfterSeconds: 3 });
  });

  it('counts nothing when disabled, and forgets usage on forget() and configure()', () => {
    const throttle = new DirectoryThrottle();
    throttle.configure({ enabled: false, resourceUnits: 1 });
    expect(throttle.take(KEY, read(5), SMALL_TENANT, 0)).toEqual({ ok: true, usage: 0 });
    expect(throttle.take(KEY, read(5), SMALL_TENANT, 0).ok).toBe(true);
    throttle.configure({ resourceUnits: 1 });
    expect(throttle.take(KEY, read(1), SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.take(KEY, read(1), SMALL_TENANT, 0).ok).toBe(false);
    throttle.forget();
    expect(throttle.take(KEY, read(1), SMALL_TENANT, 0).ok).toBe(true);
    expect(throttle.current().resourceUnits).toBe(1);
  });

  it('refuses invalid settings with a readable message', () => {
    expect(() => new DirectoryThrottle().configure({ resourceUnits: 0 })).toThrow(/^Invalid throttling: /);
  });
});
