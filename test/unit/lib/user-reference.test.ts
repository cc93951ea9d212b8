import { describe, expect, it } from 'vitest';

import { UserReferenceSchema } from '../../../src/lib/http/user-reference';

const accepts = (value: string) => UserReferenceSchema.safeParse(value).success;

describe('UserReferenceSchema', () => {
  it('accepts an object id and lower-cases it', () => {
    expect(UserReferenceSchema.parse('6F1A0C4E-2B7D-4A8E-9C3F-1D2E3F4A5B6C')).toEqual({
      kind: 'id',
      id: '6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6c',
    });
  });

  it('accepts a userPrincipalName as given', () => {
    expect(UserReferenceSchema.parse('Adele.Vance@contoso.com')).toEqual({
      kind: 'upn',
      upn: 'Adele.Vance@contoso.com',
    });
  });

  it("accepts a guest's #EXT# UPN", () =>
    expect(accepts('adele_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toBe(true));
  it('accepts a UPN starting with $', () => expect(accepts('$AdeleVance@contoso.com')).toBe(true));
  it('accepts an apostrophe in the local part', () =>
    expect(accepts("conor.o'brien@contoso.com")).toBe(true));
  it('refuses a path traversal', () => expect(accepts('a@b.com/../../groups')).toBe(false));
  it('refuses an OData filter fragment', () => expect(accepts("x' or 1 eq 1")).toBe(false));
  it('refuses an OData system segment', () => expect(accepts('$metadata')).toBe(false));
  it('refuses a decoded slash', () => expect(accepts('a/b@contoso.com')).toBe(false));
  it('refuses a percent-encoded form', () => expect(accepts('a%2Fb@contoso.com')).toBe(false));
  it('refuses a missing local part', () => expect(accepts('@contoso.com')).toBe(false));
  it('refuses a domain without a dot', () => expect(accepts('adele@contoso')).toBe(false));
  it('refuses consecutive dots', () => expect(accepts('adele..vance@contoso.com')).toBe(false));
  it('refuses a malformed GUID', () => expect(accepts('6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6')).toBe(false));
  it('refuses an over-long UPN', () => expect(accepts(`${'a'.repeat(250)}@contoso.com`)).toBe(false));
});
