import { describe, expect, it } from 'vitest';

import { FaultInjector } from '../../../local/graph/faults';
import { parseGraphPath } from '../../../local/graph/path';

describe('parseGraphPath', () => {
  it('decodes segments and splits the parenthesised key form', () => {
    expect(
      parseGraphPath("/v1.0/users('O''Neil%23EXT%23@contoso.onmicrosoft.com')/authentication/methods"),
    ).toEqual({
      ok: true,
      version: 'v1.0',
      segments: [
        { value: 'users', form: 'segment' },
        { value: "O'Neil#EXT#@contoso.onmicrosoft.com", form: 'parens' },
        { value: 'authentication', form: 'segment' },
        { value: 'methods', form: 'segment' },
      ],
    });
  });

  it('answers a Graph 400 for a segment that is not valid percent-encoding', () => {
    const parsed = parseGraphPath('/v1.0/users/%E0%A4%A');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatchObject({ status: 400, code: 'BadRequest' });
  });
});

describe('FaultInjector', () => {
  it('matches method case-insensitively and path by regular expression, first rule first', () => {
    const faults = new FaultInjector();
    faults.add({ method: 'post', path: '^/v1\\.0/\\$batch$', status: 503 });
    faults.add({ path: 'methods$', status: 429, count: 2 });
    expect(faults.take('GET', '/v1.0/$batch')).toBeUndefined();
    expect(faults.take('POST', '/v1.0/$batch')?.status).toBe(503);
    expect(faults.take('POST', '/v1.0/$batch')).toBeUndefined();
    expect(faults.take('GET', '/beta/users/x/authentication/methods')).toMatchObject({
      status: 429,
      remaining: 1,
    });
    expect(faults.take('GET', '/beta/users/x/authentication/methods')).toMatchObject({ remaining: 0 });
    expect(faults.list()).toEqual([]);
  });
});
