import { describe, expect, it } from 'vitest';

import { assertNoSecrets, SecretLeakError } from '../../../src/lib/storage/secret-guard';

/** The error assertNoSecrets throws for `value`, or undefined when it accepts it. */
function leak(value: unknown, path?: string): SecretLeakError | undefined {
  try {
    assertNoSecrets(value, path);
    return undefined;
  } catch (error) {
    if (error instanceof SecretLeakError) return error;
    throw error;
  }
}

// Docs/threat-model.md, "TAP leakage": text that assigns a value to temporaryAccessPass, in any of
// the ways JSON, escaped JSON, key=value or YAML-like text can spell it, is refused.
describe('secret guard: a pass value inside text', () => {
  it.each([
    ['no quoting at all', 'temporaryAccessPass:Xk7'],
    ['a double quote before the separator', 'temporaryAccessPass":Xk7'],
    ['a single quote before the separator', "temporaryAccessPass':Xk7"],
    ['a blank before the separator', 'temporaryAccessPass :Xk7'],
    ['a tab before the separator', 'temporaryAccessPass\t=Xk7'],
    ['a backslash before the separator', 'temporaryAccessPass\\:Xk7'],
    ['a double quote after the separator', 'temporaryAccessPass:"Xk7'],
    ['a single quote after the separator', "temporaryAccessPass='Xk7"],
    ['a blank after the separator', 'temporaryAccessPass= Xk7'],
    ['a backslash after the separator', 'temporaryAccessPass:\\Xk7'],
    ['several quoting characters on both sides', `temporaryAccessPass\\" ' : '\\"Xk7`],
    ['other casing', 'TEMPORARYACCESSPASS=Xk7'],
    ['a value that starts with null', 'temporaryAccessPass=nullable7'],
    ['a value that starts with undefined', 'temporaryAccessPass="undefinedX"'],
    ['a one-character value at the end', 'temporaryAccessPass=7'],
    ['a value after leading text', 'Graph answered: {"temporaryAccessPass":"Xk7#pQ2!"}'],
  ])('refuses %s', (_, text) => {
    expect(leak(text)).toBeInstanceOf(SecretLeakError);
  });

  it.each([
    ['null before a comma', '{"temporaryAccessPass":null,"isUsable":true}'],
    ['null before a closing brace', '{"temporaryAccessPass":null}'],
    ['null before a closing bracket', '[temporaryAccessPass:null]'],
    ['null before a blank', 'temporaryAccessPass: null here'],
    ['null in double quotes', 'temporaryAccessPass="null"'],
    ['null in single quotes', "temporaryAccessPass='null'"],
    ['null before a backslash', '{\\"temporaryAccessPass\\":null\\n}'],
    ['null at the end', 'temporaryAccessPass=null'],
    ['undefined at the end', 'temporaryAccessPass: undefined'],
    ['undefined before a comma', 'temporaryAccessPass=undefined,next'],
    ['nothing after the separator', 'temporaryAccessPass='],
    ['only quotes after the separator', `temporaryAccessPass:"\\'`],
    ['a comma after the separator', 'temporaryAccessPass=,next=1'],
    ['a closing brace after the separator', 'temporaryAccessPass:}'],
    ['a closing bracket after the separator', 'temporaryAccessPass:]'],
    ['the name without a separator', 'temporaryAccessPass Xk7'],
    ['another separator', 'temporaryAccessPass-Xk7'],
    ['the name spelled otherwise', 'temporary_access_pass=Xk7'],
  ])('accepts %s', (_, text) => {
    expect(leak(text)).toBeUndefined();
  });
});

describe('secret guard: a pass property', () => {
  it('refuses a non-null pass of any type, in any casing', () => {
    for (const pass of ['Xk7', '', 0, false, {}]) {
      expect(leak({ temporaryAccessPass: pass })).toBeInstanceOf(SecretLeakError);
    }
    expect(leak({ TEMPORARYACCESSPASS: 'x' })).toBeInstanceOf(SecretLeakError);
  });

  it('accepts a null or undefined pass, and looks at the other properties all the same', () => {
    expect(leak({ temporaryAccessPass: null, methodType: 'temporaryAccessPass' })).toBeUndefined();
    expect(leak({ temporaryAccessPass: undefined, methodType: 'temporaryAccessPass' })).toBeUndefined();
    expect(leak({ temporaryAccessPass: undefined, detail: 'temporaryAccessPass=x' })?.message).toBe(
      '$.detail looks like it holds a temporaryAccessPass value; refusing to store it',
    );
  });

  it('accepts plain values of every other type', () => {
    for (const value of [undefined, null, 0, true, 12n, 'text', [], {}]) expect(leak(value)).toBeUndefined();
  });

  it('visits an object reached twice once, and still finds a pass behind it', () => {
    const shared = { note: 'ok' };
    expect(leak({ a: shared, b: shared, c: [shared, shared] })).toBeUndefined();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    cycle.later = { temporaryAccessPass: 'x' };
    expect(leak(cycle)?.message).toContain('$.later.temporaryAccessPass');
  });
});

describe('secret guard: the error', () => {
  it('is a SecretLeakError naming the property path, never the value', () => {
    const error = leak({ items: [{ tap: { TemporaryAccessPass: 'Xk7#pQ2!' } }] });
    expect(error?.name).toBe('SecretLeakError');
    expect(error?.message).toBe(
      '$.items[0].tap.TemporaryAccessPass holds a temporaryAccessPass value; refusing to store it',
    );
  });

  it('names the string that holds a pass, from the path the caller gives', () => {
    expect(leak({ detail: ['ok', 'temporaryAccessPass=Xk7'] }, '$.body')?.message).toBe(
      '$.body.detail[1] looks like it holds a temporaryAccessPass value; refusing to store it',
    );
    expect(leak('temporaryAccessPass=Xk7')?.message).toBe(
      '$ looks like it holds a temporaryAccessPass value; refusing to store it',
    );
  });
});
