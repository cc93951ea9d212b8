import { describe, expect, it } from 'vitest';

import { parseErrorBody } from '../../../src/lib/graph/error-body';

describe('parseErrorBody', () => {
  it("reads Graph's error with its request-id", () => {
    expect(
      parseErrorBody({
        error: {
          code: 'badRequest',
          message: 'Cannot delete default method',
          innerError: { 'request-id': 'r1' },
        },
      }),
    ).toEqual({ code: 'badRequest', message: 'Cannot delete default method', requestId: 'r1' });
  });

  it('reads an OData v3 error passed through from another service', () => {
    expect(
      parseErrorBody({
        'odata.error': {
          code: 'invalid_request',
          message: { lang: 'en', value: "MFA is required for a 'RemoveKey' operation" },
        },
      }),
    ).toEqual({ code: 'invalid_request', message: "MFA is required for a 'RemoveKey' operation" });
  });

  it('returns nothing for a body that is not an error', () => {
    expect(parseErrorBody('<html>')).toEqual({});
    expect(parseErrorBody(null)).toEqual({});
  });
});
