import { describe, expect, it } from 'vitest';

import { toGraphPhoneNumber } from '../../../src/lib/recovery/phone-number';

describe('toGraphPhoneNumber', () => {
  it('converts E.164 to Graph form', () => expect(toGraphPhoneNumber('+14255550100')).toBe('+1 4255550100'));
  it('keeps an extension', () => expect(toGraphPhoneNumber('+14255550100x123')).toBe('+1 4255550100x123'));
  it('handles a two-digit country code', () =>
    expect(toGraphPhoneNumber('+447911123456')).toBe('+44 7911123456'));
  it('refuses a number without +', () => expect(toGraphPhoneNumber('14255550100')).toBeUndefined());
  it('refuses spaces', () => expect(toGraphPhoneNumber('+1 4255550100')).toBeUndefined());
  it('refuses a number no plan allows', () => expect(toGraphPhoneNumber('+10000000000')).toBeUndefined());
  it('refuses letters', () => expect(toGraphPhoneNumber('+1425555CALL')).toBeUndefined());
});
