import { describe, expect, it } from 'vitest';

import { clip } from '../../../src/lib/storage/clip';
import { isLoopbackHttp } from '../../../src/lib/storage/loopback';

describe('clip', () => {
  it('keeps text up to the limit as it is', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('x'.repeat(1024))).toBe('x'.repeat(1024));
  });

  it('cuts longer text to the limit, the last character an ellipsis', () => {
    expect(clip('abcd', 3)).toBe('ab…');
    const cut = clip('x'.repeat(5000));
    expect(cut).toHaveLength(1024);
    expect(cut).toBe(`${'x'.repeat(1023)}…`);
  });
});

describe('isLoopbackHttp', () => {
  it.each(['http://127.0.0.1:10002/devstoreaccount1', 'http://localhost:10001/', 'http://[::1]:10000/x'])(
    'allows plain HTTP to this machine: %s',
    (url) => {
      expect(isLoopbackHttp(url)).toBe(true);
    },
  );

  it.each([
    ['HTTPS to this machine (not plain HTTP)', 'https://127.0.0.1:10002/devstoreaccount1'],
    ['plain HTTP to another host', 'http://storage.example.net/acct'],
    ['plain HTTP to an address that only starts like loopback', 'http://127.0.0.10/acct'],
    ['plain HTTP to a name that only contains localhost', 'http://localhost.example.net/acct'],
  ])('refuses %s', (_, url) => {
    expect(isLoopbackHttp(url)).toBe(false);
  });
});
