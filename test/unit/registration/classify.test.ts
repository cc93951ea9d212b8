import { describe, expect, it } from 'vitest';

import {
  type ClassifyContext,
  classifyRegistration,
  isAtRisk,
  TELEPHONY_RETIREMENT,
} from '../../../src/lib/registration/classify';

// Expectations from docs/registration.md: MFA-capable methods, phishing-resistant ones, and
// Microsoft's SMS/voice retirement on 2027-02-01 (start of day, UTC).

const BEFORE: ClassifyContext = {
  telephonyProvider: 'microsoft',
  telephonyRetirement: TELEPHONY_RETIREMENT,
  now: new Date('2027-01-31T23:59:59.999Z'),
};
const AT: ClassifyContext = {
  telephonyProvider: 'microsoft',
  telephonyRetirement: TELEPHONY_RETIREMENT,
  now: new Date('2027-02-01T00:00:00.000Z'),
};
const CUSTOM_AFTER: ClassifyContext = {
  telephonyProvider: 'custom',
  telephonyRetirement: TELEPHONY_RETIREMENT,
  now: new Date('2027-06-01T00:00:00Z'),
};
const classOf = (methods: string[], context = BEFORE, isMfaCapable = true) =>
  classifyRegistration({ methodsRegistered: methods, isMfaCapable }, context).class;

describe('classifyRegistration', () => {
  it('retires on 2027-02-01T00:00:00Z', () => {
    expect(TELEPHONY_RETIREMENT.toISOString()).toBe('2027-02-01T00:00:00.000Z');
  });

  it('no_mfa: nothing registered', () => {
    expect(classOf([], BEFORE, false)).toBe('no_mfa');
  });

  it('weak_only: only methods that are no second factor (email, security questions, a TAP)', () => {
    expect(classOf(['email'], BEFORE, false)).toBe('weak_only');
    expect(classOf(['email', 'securityQuestion', 'qrCode'], BEFORE, false)).toBe('weak_only');
    // A TAP expires: it keeps nobody out of a lockout, even though Graph counts it as MFA.
    expect(classOf(['temporaryAccessPass'], BEFORE, true)).toBe('weak_only');
  });

  it('weak_only when Graph says no registered method is allowed by policy', () => {
    expect(classOf(['microsoftAuthenticatorPush', 'softwareOneTimePasscode'], BEFORE, false)).toBe(
      'weak_only',
    );
  });

  it('single_method: exactly one MFA-capable method', () => {
    expect(classOf(['microsoftAuthenticatorPush'])).toBe('single_method');
    expect(classOf(['microsoftAuthenticatorPush', 'email'])).toBe('single_method');
    expect(classOf(['softwareOneTimePasscode', 'temporaryAccessPass'])).toBe('single_method');
  });

  it('ready: two MFA-capable methods', () => {
    expect(classOf(['microsoftAuthenticatorPush', 'softwareOneTimePasscode'])).toBe('ready');
    expect(classOf(['mobilePhone', 'microsoftAuthenticatorPush'])).toBe('ready');
  });

  it('ready: one phishing-resistant method is enough, whatever else', () => {
    for (const method of ['passKeyDeviceBound', 'windowsHelloForBusiness', 'passKeySynced', 'fido2']) {
      expect(classOf([method])).toBe('ready');
      expect(classOf([method], AT)).toBe('ready');
    }
  });

  it('reads values case-insensitively and counts a type once', () => {
    expect(classOf(['MicrosoftAuthenticatorPush', 'microsoftauthenticatorpush'])).toBe('single_method');
    expect(classOf(['PASSKEYDEVICEBOUND'])).toBe('ready');
  });

  it('sms_voice_only: only telephony with Microsoft as provider, before and after the date', () => {
    expect(classifyRegistration({ methodsRegistered: ['mobilePhone'], isMfaCapable: true }, BEFORE)).toEqual({
      class: 'sms_voice_only',
      mfaMethods: 1,
      telephonyEnds: '2027-02-01',
      lockedOut: false,
    });
    expect(
      classifyRegistration({ methodsRegistered: ['mobilePhone', 'officePhone'], isMfaCapable: true }, AT),
    ).toEqual({ class: 'sms_voice_only', mfaMethods: 0, telephonyEnds: '2027-02-01', lockedOut: true });
    expect(classOf(['alternateMobilePhone', 'email'])).toBe('sms_voice_only');
  });

  it('with a custom telephony provider, phones are ordinary MFA methods after the date', () => {
    expect(classOf(['mobilePhone'], CUSTOM_AFTER)).toBe('single_method');
    expect(classOf(['mobilePhone', 'officePhone'], CUSTOM_AFTER)).toBe('ready');
  });

  it('from the retirement date, a phone no longer counts beside another method', () => {
    expect(classOf(['mobilePhone', 'microsoftAuthenticatorPush'], BEFORE)).toBe('ready');
    expect(classOf(['mobilePhone', 'microsoftAuthenticatorPush'], AT)).toBe('single_method');
    expect(classOf(['mobilePhone', 'microsoftAuthenticatorPush', 'softwareOneTimePasscode'], AT)).toBe(
      'ready',
    );
  });

  it('counts every class but ready as at risk', () => {
    expect(
      ['no_mfa', 'weak_only', 'sms_voice_only', 'single_method', 'ready'].map((c) => isAtRisk(c as never)),
    ).toEqual([true, true, true, true, false]);
  });
});
