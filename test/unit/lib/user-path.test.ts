import { describe, expect, it } from 'vitest';

import { userPath } from '../../../src/lib/graph/user-path';

describe('userPath', () => {
  it('uses an object id as is', () => {
    expect(userPath({ kind: 'id', id: '6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6c' })).toBe(
      '/users/6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6c',
    );
  });

  it("encodes a guest's # as %23", () => {
    expect(userPath({ kind: 'upn', upn: 'adele_fabrikam.com#EXT#@contoso.onmicrosoft.com' })).toBe(
      '/users/adele_fabrikam.com%23EXT%23@contoso.onmicrosoft.com',
    );
  });

  it('uses the key form for a UPN starting with $', () => {
    expect(userPath({ kind: 'upn', upn: '$AdeleVance@contoso.com' })).toBe(
      "/users('%24AdeleVance@contoso.com')",
    );
  });

  it('doubles an apostrophe inside the key form', () => {
    expect(userPath({ kind: 'upn', upn: "$o'brien@contoso.com" })).toBe("/users('%24o''brien@contoso.com')");
  });
});
