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

describe('toGraphPhoneNumber edges', () => {
  it('takes an extension of 1 to 7 digits and nothing else after the x', () => {
    expect(toGraphPhoneNumber('+14255550100x1')).toBe('+1 4255550100x1');
    expect(toGraphPhoneNumber('+14255550100x1234567')).toBe('+1 4255550100x1234567');
    expect(toGraphPhoneNumber('+14255550100x12345678')).toBeUndefined();
    expect(toGraphPhoneNumber('+14255550100x')).toBeUndefined();
    expect(toGraphPhoneNumber('+14255550100xx1')).toBeUndefined();
  });

  it('refuses a leading zero, too few or too many digits, and anything around the number', () => {
    expect(toGraphPhoneNumber('+04255550100')).toBeUndefined();
    expect(toGraphPhoneNumber('+1425555')).toBeUndefined();
    expect(toGraphPhoneNumber('+1425555010012345')).toBeUndefined();
    expect(toGraphPhoneNumber(' +14255550100')).toBeUndefined();
    expect(toGraphPhoneNumber('+14255550100 ')).toBeUndefined();
  });

  it('takes the shortest numbers E.164 allows where a plan has them', () => {
    // Niue (+683) has four-digit numbers: 7 characters after the plus in all.
    expect(toGraphPhoneNumber('+6834002')).toBe('+683 4002');
  });
});
