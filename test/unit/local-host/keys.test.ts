import { describe, expect, it } from 'vitest';

import { generateKey, isAuthorized, keyMatches, presentedKey } from '../../../local/host/keys';

const keys = { functionKey: 'function-key', masterKey: 'master-key' };

describe('host keys', () => {
  it('reads the x-functions-key header before the code query parameter', () => {
    expect(presentedKey('from-header', new URLSearchParams('code=from-query'))).toBe('from-header');
    expect(presentedKey(undefined, new URLSearchParams('code=from-query'))).toBe('from-query');
    expect(presentedKey('', new URLSearchParams('code=from-query'))).toBe('from-query');
    expect(presentedKey(undefined, new URLSearchParams())).toBeUndefined();
  });

  it('needs no key for anonymous functions', () => {
    expect(isAuthorized('anonymous', undefined, keys)).toBe(true);
  });

  it('accepts the function key or the master key at function level', () => {
    expect(isAuthorized('function', 'function-key', keys)).toBe(true);
    expect(isAuthorized('function', 'master-key', keys)).toBe(true);
    expect(isAuthorized('function', 'wrong', keys)).toBe(false);
    expect(isAuthorized('function', undefined, keys)).toBe(false);
  });

  it('accepts only the master key at admin level', () => {
    expect(isAuthorized('admin', 'master-key', keys)).toBe(true);
    expect(isAuthorized('admin', 'function-key', keys)).toBe(false);
  });

  it('compares whole keys, not prefixes', () => {
    expect(keyMatches('master-ke', 'master-key')).toBe(false);
    expect(keyMatches('master-key ', 'master-key')).toBe(false);
  });

  it('generates distinct URL-safe keys', () => {
    const [a, b] = [generateKey(), generateKey()];
    expect(a).toMatch(/^[\w-]{40,}$/);
    expect(a).not.toBe(b);
  });
});
