import type { AuthenticationMethodSeed, TenantData, UserSeed } from '../seed-schema';

/**
 * One row of the registration report (userRegistrationDetails, v1.0 resource
 * https://learn.microsoft.com/en-us/graph/api/resources/userregistrationdetails), computed from
 * the user's registered methods at the time of the request. Graph's report lags by up to a few
 * hours ([doc] https://learn.microsoft.com/en-us/entra/identity/authentication/howto-authentication-methods-activity,
 * Limitations); the simulator refreshes it on every request (inferred, so a reset shows in the
 * next scan). v1.0 has no `defaultMfaMethod` (beta only, resource page).
 */

/**
 * `methodsRegistered` values per stored method type. The values are those the docs name: the
 * resource page and its examples (`mobilePhone`, `email`, `microsoftAuthenticatorPush`,
 * `softwareOneTimePasscode`, `passKeyDeviceBound`, which replaced `fido2` [obs]
 * microsoftgraph/microsoft-graph-docs-contrib#8837) and the beta `usageAuthMethod` enum
 * (https://learn.microsoft.com/en-us/graph/api/resources/usageauthmethod?view=graph-rest-beta)
 * for the rest. Passwords aren't listed (the docs' examples omit them).
 */
function registeredValue(method: AuthenticationMethodSeed): string | undefined {
  switch (method.type) {
    case 'phone':
      return { mobile: 'mobilePhone', alternateMobile: 'alternateMobilePhone', office: 'officePhone' }[
        method.phoneType
      ];
    case 'email':
      return 'email';
    case 'microsoftAuthenticator':
      return 'microsoftAuthenticatorPush';
    case 'passwordlessMicrosoftAuthenticator':
      return 'microsoftAuthenticatorPasswordless';
    case 'fido2':
      return method.passkeyType === 'synced' ? 'passKeySynced' : 'passKeyDeviceBound';
    case 'softwareOath':
      return 'softwareOneTimePasscode';
    case 'hardwareOath':
      return 'hardwareOneTimePasscode';
    case 'windowsHelloForBusiness':
      return 'windowsHelloForBusiness';
    case 'temporaryAccessPass':
      return 'temporaryAccessPass';
    case 'qrCodePin':
      return 'qrCode';
    // Only the macOS credential has a documented value (inferred: the others aren't listed).
    case 'platformCredential':
      return method.platform === 'macOS' ? 'macOsSecureEnclaveKey' : undefined;
    case 'password':
      return undefined;
  }
}

/**
 * Usable as a second factor ([doc] https://learn.microsoft.com/en-us/entra/identity/authentication/concept-authentication-methods):
 * email, security questions and QR codes aren't; TAP counts as MFA while valid.
 */
const MFA_VALUES = new Set([
  'mobilePhone',
  'alternateMobilePhone',
  'officePhone',
  'microsoftAuthenticatorPush',
  'microsoftAuthenticatorPasswordless',
  'softwareOneTimePasscode',
  'hardwareOneTimePasscode',
  'windowsHelloForBusiness',
  'passKeyDeviceBound',
  'passKeySynced',
  'macOsSecureEnclaveKey',
  'temporaryAccessPass',
]);

/** Passwordless: FIDO2/passkeys, Windows Hello, Authenticator phone sign-in (resource page). */
const PASSWORDLESS_VALUES = new Set([
  'microsoftAuthenticatorPasswordless',
  'windowsHelloForBusiness',
  'passKeyDeviceBound',
  'passKeySynced',
  'macOsSecureEnclaveKey',
]);

/** Methods SSPR accepts (concept-authentication-methods: phone, email, Authenticator, OATH). */
const SSPR_VALUES = new Set([
  'mobilePhone',
  'officePhone',
  'email',
  'microsoftAuthenticatorPush',
  'softwareOneTimePasscode',
  'hardwareOneTimePasscode',
]);

/** System-preferred order (push, then OATH, then telephony), as in the resource page's enum; inferred. */
const SYSTEM_PREFERRED: readonly (readonly [string, string])[] = [
  ['microsoftAuthenticatorPush', 'push'],
  ['softwareOneTimePasscode', 'oath'],
  ['mobilePhone', 'sms'],
  ['alternateMobilePhone', 'voiceAlternateMobile'],
  ['officePhone', 'voiceOffice'],
];

/** "has an admin role in the tenant": an active directory role or role assignment (eligible-only inferred not to count). */
function isAdmin(user: UserSeed, tenant: Readonly<TenantData>): boolean {
  const id = user.id.toLowerCase();
  return (
    tenant.directoryRoles.some((role) => role.memberIds.some((member) => member.toLowerCase() === id)) ||
    tenant.roleAssignments.some((assignment) => assignment.principalId.toLowerCase() === id)
  );
}

export function projectUserRegistrationDetails(
  user: UserSeed,
  tenant: Readonly<TenantData>,
  lastUpdatedDateTime: string,
): Record<string, unknown> {
  const methodsRegistered = [
    ...new Set(user.authenticationMethods.flatMap((method) => registeredValue(method) ?? [])),
  ];
  const has = (values: ReadonlySet<string>) => methodsRegistered.some((value) => values.has(value));
  const mfa = has(MFA_VALUES);
  const systemPreferredEnabled = user.signInPreferences?.isSystemPreferredAuthenticationMethodEnabled ?? true;
  const systemPreferred = SYSTEM_PREFERRED.find(([value]) => methodsRegistered.includes(value))?.[1];
  // The tenant's authentication methods policy isn't simulated beyond SMS sign-in, so every
  // registered method is allowed: capable = registered. SSPR isn't enabled (inferred).
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName,
    userType: user.userType === 'Guest' ? 'guest' : 'member',
    isAdmin: isAdmin(user, tenant),
    isSsprRegistered: has(SSPR_VALUES),
    isSsprEnabled: false,
    isSsprCapable: false,
    isMfaRegistered: mfa,
    isMfaCapable: mfa,
    isPasswordlessCapable: has(PASSWORDLESS_VALUES),
    isSystemPreferredAuthenticationMethodEnabled: systemPreferredEnabled,
    lastUpdatedDateTime,
    methodsRegistered,
    // The docs' example for a user with nothing registered answers [] and "" (not enum members).
    systemPreferredAuthenticationMethods: systemPreferred === undefined ? [] : [systemPreferred],
    userPreferredMethodForSecondaryAuthentication:
      user.signInPreferences?.userPreferredMethodForSecondaryAuthentication ?? '',
  };
}
