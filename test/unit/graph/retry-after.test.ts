import { describe, expect, it } from 'vitest';

import { headerValue, retryAfterSeconds } from '../../../src/lib/graph/retry-after';

const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('retryAfterSeconds', () => {
  it('reads seconds as Graph sends them, rounding up, at least 1', () => {
    expect(retryAfterSeconds('30', NOW)).toBe(30);
    expect(retryAfterSeconds(' 2.5 ', NOW)).toBe(3);
    expect(retryAfterSeconds('0', NOW)).toBe(1);
  });

  it('reads an HTTP-date as the seconds until then, at least 1', () => {
    expect(retryAfterSeconds('Sat, 05 Dec 2026 12:00:45 GMT', NOW)).toBe(45);
    expect(retryAfterSeconds('Sat, 05 Dec 2026 11:59:00 GMT', NOW)).toBe(1);
  });

  it('is undefined when absent or unreadable, so the caller picks its own wait', () => {
    expect(retryAfterSeconds(undefined, NOW)).toBeUndefined();
    expect(retryAfterSeconds(null, NOW)).toBeUndefined();
    expect(retryAfterSeconds('', NOW)).toBeUndefined();
    expect(retryAfterSeconds('soon', NOW)).toBeUndefined();
    expect(retryAfterSeconds('-5', NOW)).toBeUndefined();
  });
});

describe('headerValue', () => {
  it('finds a header in a batch step’s headers whatever its case', () => {
    expect(headerValue({ 'Retry-After': '7' }, 'retry-after')).toBe('7');
    expect(headerValue(undefined, 'retry-after')).toBeUndefined();
  });
});
