import { describe, expect, it } from 'vitest';

import { assertNoSecrets, SecretLeakError } from '../../../src/lib/storage/secret-guard';

describe('secret guard (threat model: TAP leakage)', () => {
  it.each([
    ['a pass property', { temporaryAccessPass: 'Xk7#pQ2!' }],
    ['a pass property in any case, deep in an array', { items: [{ tap: { TemporaryAccessPass: 'abc' } }] }],
    ['an empty-string pass property (non-null)', { temporaryAccessPass: '' }],
    ['JSON text', '{"id":"1","temporaryAccessPass":"Xk7#pQ2!"}'],
    ['escaped JSON text', '{\\"temporaryAccessPass\\":\\"Xk7#pQ2!\\"}'],
    ['JSON with spaces', '{ "temporaryAccessPass" : "Xk7#pQ2!" }'],
    ['key=value text', 'issued temporaryAccessPass=Xk7pQ2ab for ada'],
    ['YAML-ish text', "temporaryAccessPass: 'Xk7pQ2ab'"],
    ['a pass that starts with "null"', '{"temporaryAccessPass":"null-Xk7"}'],
    ['text nested in an object', { detail: 'graph said {"temporaryAccessPass":"abc"}' }],
  ])('throws on %s', (_, value) => {
    expect(() => assertNoSecrets(value)).toThrow(SecretLeakError);
  });

  it.each([
    ['a null pass', { temporaryAccessPass: null, passDisclosed: true }],
    ['an undefined pass', { temporaryAccessPass: undefined }],
    ['null in JSON text', '{"temporaryAccessPass":null,"isUsable":true}'],
    ['an empty string in JSON text', '{"temporaryAccessPass":""}'],
    ['the word in prose', 'a temporaryAccessPass was issued and shown once'],
    ['other keys', { id: 'tap-1', lifetimeInMinutes: 60, methodType: 'temporaryAccessPass' }],
    [
      'a cycle',
      (() => {
        const node: Record<string, unknown> = { name: 'a' };
        node.self = node;
        return node;
      })(),
    ],
  ])('accepts %s', (_, value) => {
    expect(() => assertNoSecrets(value)).not.toThrow();
  });

  it('names the path and never the value', () => {
    try {
      assertNoSecrets({ summary: { tap: { temporaryAccessPass: 'Xk7#pQ2!' } } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('$.summary.tap.temporaryAccessPass');
      expect((error as Error).message).not.toContain('Xk7#pQ2!');
    }
  });
});
