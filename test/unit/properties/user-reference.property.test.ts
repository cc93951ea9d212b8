// Property-based: whatever arrives as `{user}`, the validator lets through only an object id or a
// userPrincipalName that cannot become a path, query or filter fragment at Graph.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { userPath } from '../../../src/lib/graph/user-path';
import { GUID } from '../../../src/lib/guid';
import { UserReferenceSchema } from '../../../src/lib/http/user-reference';
import { splitLiterals } from './odata-literals';

const parse = (value: string) => UserReferenceSchema.safeParse(value);

// Entra's documented UPN local-part characters, and DNS labels for the domain.
const localChar = fc.constantFrom(..."abcXYZ0189'_!#^~$+-".split(''));
const localAtom = fc.string({ unit: localChar, minLength: 1, maxLength: 12 });
const local = fc.array(localAtom, { minLength: 1, maxLength: 3 }).map((atoms) => atoms.join('.'));
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const tld = fc.stringMatching(/^[a-z]{2,6}$/);
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld)
  .map(([labels, top]) => [...labels, top].join('.'));
const upn = fc.tuple(local, domain).map(([name, host]) => `${name}@${host}`);

/** Characters that would let a value leave its path segment, its quotes, or the query. */
const DANGEROUS = [
  '/',
  '\\',
  '?',
  '&',
  '%',
  '"',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '(',
  ')',
  ',',
  ';',
  '=',
  ':',
  '<',
  '>',
  '*',
  '`',
  '|',
  '{',
  '}',
  '[',
  ']',
];

describe('the user-id validator (property-based)', () => {
  it('accepts every object id, in either case, and lower-cases it', () => {
    fc.assert(
      fc.property(fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }), fc.boolean(), (id, upper) => {
        const result = parse(upper ? id.toUpperCase() : id);
        expect(result.success && result.data).toEqual({ kind: 'id', id: id.toLowerCase() });
      }),
    );
  });

  it('accepts well-formed userPrincipalNames as given', () => {
    fc.assert(
      fc.property(upn, (value) => {
        fc.pre(value.length <= 256);
        const result = parse(value);
        expect(result.success && result.data).toEqual({ kind: 'upn', upn: value });
      }),
    );
  });

  it('never lets an arbitrary string through unless it is a GUID or a UPN free of dangerous characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          upn.map((value) => `${value}x`),
        ),
        (value) => {
          const result = parse(value);
          if (!result.success) return;
          if (result.data.kind === 'id') {
            expect(GUID.test(value)).toBe(true);
            return;
          }
          expect(value.length).toBeLessThanOrEqual(256);
          expect(value).toContain('@');
          for (const char of DANGEROUS) expect(value).not.toContain(char);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses a valid UPN once any dangerous character is inserted anywhere', () => {
    fc.assert(
      fc.property(upn, fc.constantFrom(...DANGEROUS), fc.nat(), (value, char, at) => {
        const index = at % (value.length + 1);
        expect(parse(`${value.slice(0, index)}${char}${value.slice(index)}`).success).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('turns every accepted user into exactly one Graph path segment (or one quoted key) naming that user', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          upn,
          upn.map((value) => `$${value}`),
          fc.uuid(),
        ),
        (value) => {
          const result = parse(value);
          fc.pre(result.success);
          if (!result.success) return;
          const path = userPath(result.data);
          const url = new URL(`https://graph.example${path}`);
          expect(url.search).toBe('');
          expect(url.hash).toBe('');
          const segments = url.pathname.split('/').filter(Boolean);
          if (segments.length === 2) {
            expect(segments[0]).toBe('users');
            expect(decodeURIComponent(segments[1] ?? '')).toBe(
              result.data.kind === 'id' ? result.data.id : value,
            );
            return;
          }
          expect(segments).toHaveLength(1);
          // users('…'): one literal whose content, decoded, is the UPN.
          const { skeleton, literals } = splitLiterals(decodeURIComponent(path));
          expect(skeleton).toBe('/users(?)');
          expect(literals).toEqual([value]);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
