import { describe, expect, it } from 'vitest';

import { maskEmailAddress, maskPhoneNumber } from '../../../src/lib/lookup/mask';

describe('maskPhoneNumber', () => {
  it('keeps only the last four digits and the layout', () => {
    expect(maskPhoneNumber('+1 2065555555')).toBe('+* ******5555');
  });

  it('masks the extension entirely', () => {
    expect(maskPhoneNumber('+1 5555551234x123')).toBe('+* ******1234x***');
  });

  it('shows nothing more of a number shorter than four digits', () => {
    expect(maskPhoneNumber('+12')).toBe('+12');
  });
});

describe('maskEmailAddress', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmailAddress('jane.doe@fabrikam.com')).toBe('j***@fabrikam.com');
  });

  it('hides a value that is not an address', () => {
    expect(maskEmailAddress('not-an-address')).toBe('***');
  });
});
