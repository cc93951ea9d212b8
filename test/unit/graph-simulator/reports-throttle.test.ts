import { describe, expect, it } from 'vitest';

import { RequestRateLimiter, throttleKey } from '../../../local/graph/rate-limit';
import type { AccessTokenClaims } from '../../../local/identity';

// https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-reports-service-limits:
// any request, 5 per 10 seconds per app per tenant. Times are passed in (a fake clock).

const claims = (appid: string, tid: string) => ({ appid, tid }) as AccessTokenClaims;

describe('reports limit (RequestRateLimiter)', () => {
  it('lets 5 requests through per 10 s for one app in one tenant, then answers the seconds to wait', () => {
    const limiter = new RequestRateLimiter();
    const key = throttleKey(claims('app-a', 'tenant-1'));
    for (let second = 0; second < 5; second += 1)
      expect(limiter.take(key, second * 1000)).toEqual({ ok: true });
    expect(limiter.take(key, 5000)).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(limiter.take(key, 10_001)).toEqual({ ok: true });
  });

  it('counts each app and each tenant on its own', () => {
    const limiter = new RequestRateLimiter();
    const full = throttleKey(claims('app-a', 'tenant-1'));
    for (let i = 0; i < 5; i += 1) limiter.take(full, 0);
    expect(limiter.take(full, 0).ok).toBe(false);
    expect(limiter.take(throttleKey(claims('app-b', 'tenant-1')), 0).ok).toBe(true);
    expect(limiter.take(throttleKey(claims('app-a', 'tenant-2')), 0).ok).toBe(true);
  });
});
