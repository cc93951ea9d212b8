/**
 * How far each user is from a lockout, from the registration report's `methodsRegistered`
 * (docs/registration.md gives the sources for each list).
 */

export const REGISTRATION_CLASSES = [
  'no_mfa',
  'weak_only',
  'sms_voice_only',
  'single_method',
  'ready',
] as const;
export type RegistrationClass = (typeof REGISTRATION_CLASSES)[number];

/** The classes a user is nudged out of (docs/registration.md). */
export const AT_RISK_CLASSES = [
  'no_mfa',
  'weak_only',
  'sms_voice_only',
  'single_method',
] as const satisfies readonly RegistrationClass[];
export type AtRiskClass = (typeof AT_RISK_CLASSES)[number];

export const isAtRisk = (value: RegistrationClass): value is AtRiskClass =>
  (AT_RISK_CLASSES as readonly RegistrationClass[]).includes(value);

/**
 * Microsoft-provided SMS and voice delivery ends at the start of this day (UTC): the default of
 * TELEPHONY_RETIREMENT_DATE, which follows Microsoft if the date moves.
 */
export const TELEPHONY_RETIREMENT = new Date('2027-02-01T00:00:00Z');

export type TelephonyProvider = 'microsoft' | 'custom';

const TELEPHONY = new Set(['mobilephone', 'alternatemobilephone', 'officephone']);

const PHISHING_RESISTANT = new Set([
  'windowshelloforbusiness',
  'passkeydevicebound',
  'passkeydeviceboundauthenticator',
  'passkeydeviceboundwindowshello',
  'passkeysynced',
  'macossecureenclavekey',
  'fido2',
  'fido2securitykey',
]);

/**
 * Lasting second factors. A Temporary Access Pass expires, so it doesn't keep anyone out of a
 * lockout; email, security questions, QR codes and app passwords are no second factor.
 */
const OTHER_MFA = new Set([
  'microsoftauthenticatorpush',
  'microsoftauthenticatorpasswordless',
  'softwareonetimepasscode',
  'hardwareonetimepasscode',
  'externalauthmethod',
]);

export interface ClassifyInput {
  methodsRegistered: readonly string[];
  /** Graph's verdict: registered and allowed by the authentication methods policy. */
  isMfaCapable: boolean;
}

export interface ClassifyContext {
  telephonyProvider: TelephonyProvider;
  /** When Microsoft's SMS and voice delivery ends (TELEPHONY_RETIREMENT_DATE). */
  telephonyRetirement: Date;
  now: Date;
}

export interface Classification {
  class: RegistrationClass;
  /** MFA-capable methods that work now (telephony drops out after the retirement with Microsoft's provider). */
  mfaMethods: number;
  /** Only for sms_voice_only: the day their methods stop working, and whether it has passed. */
  telephonyEnds?: string;
  lockedOut?: boolean;
}

/** Values compared case-insensitively: the report has sent legacy spellings ([obs] mondoohq/mql#5684). */
export function classifyRegistration(input: ClassifyInput, context: ClassifyContext): Classification {
  const values = [...new Set(input.methodsRegistered.map((value) => value.toLowerCase()))];
  const telephony = values.filter((value) => TELEPHONY.has(value));
  const other = values.filter((value) => OTHER_MFA.has(value) || PHISHING_RESISTANT.has(value));
  // Graph says none of them is allowed by policy: nothing registered counts.
  const mfaRegistered = input.isMfaCapable ? telephony.length + other.length : 0;
  if (mfaRegistered === 0) {
    return { class: values.length === 0 ? 'no_mfa' : 'weak_only', mfaMethods: 0 };
  }
  if (values.some((value) => PHISHING_RESISTANT.has(value)))
    return { class: 'ready', mfaMethods: mfaRegistered };

  const microsoftTelephony = context.telephonyProvider === 'microsoft';
  const retired = microsoftTelephony && context.now.getTime() >= context.telephonyRetirement.getTime();
  if (other.length === 0 && microsoftTelephony) {
    return {
      class: 'sms_voice_only',
      mfaMethods: retired ? 0 : telephony.length,
      telephonyEnds: context.telephonyRetirement.toISOString().slice(0, 10),
      lockedOut: retired,
    };
  }
  const working = other.length + (retired ? 0 : telephony.length);
  return { class: working >= 2 ? 'ready' : 'single_method', mfaMethods: working };
}

/** Who a user is counted with: protected accounts and guests apart from members. */
export type RegistrationAudience = 'member' | 'guest' | 'protected';
