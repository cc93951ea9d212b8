import type { GraphVersion } from '../openapi-spec';
import type { AuthenticationMethodSeed, AuthenticationMethodType, TenantData } from '../seed-schema';

export const METHOD_ODATA_TYPES: Record<AuthenticationMethodType, string> = {
  password: '#microsoft.graph.passwordAuthenticationMethod',
  phone: '#microsoft.graph.phoneAuthenticationMethod',
  email: '#microsoft.graph.emailAuthenticationMethod',
  microsoftAuthenticator: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
  fido2: '#microsoft.graph.fido2AuthenticationMethod',
  softwareOath: '#microsoft.graph.softwareOathAuthenticationMethod',
  windowsHelloForBusiness: '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
  temporaryAccessPass: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
  platformCredential: '#microsoft.graph.platformCredentialAuthenticationMethod',
  hardwareOath: '#microsoft.graph.hardwareOathAuthenticationMethod',
  passwordlessMicrosoftAuthenticator:
    '#microsoft.graph.passwordlessMicrosoftAuthenticatorAuthenticationMethod',
  qrCodePin: '#microsoft.graph.qrCodePinAuthenticationMethod',
};

/** Types only the beta API lists (Microsoft's OpenAPI subsets; authentication-list-methods, beta). */
const BETA_ONLY: ReadonlySet<AuthenticationMethodType> = new Set([
  'hardwareOath',
  'passwordlessMicrosoftAuthenticator',
]);

export function isListedIn(type: AuthenticationMethodType, version: GraphVersion): boolean {
  return version === 'beta' || !BETA_ONLY.has(type);
}

type TapPolicy = TenantData['policies']['temporaryAccessPass'];

export interface ProjectionOptions {
  now?: Date;
  /**
   * Whether the TAP policy's include/exclude targets cover the method's user: a TAP can be
   * created for anyone, but only targeted users can sign in with it
   * (https://learn.microsoft.com/en-us/entra/identity/authentication/howto-authentication-temporary-access-pass).
   */
  inTapPolicyTargets?: boolean;
}

/** `methodUsabilityReason` values (a string in Microsoft's OpenAPI subset, not an enum). */
function temporaryAccessPassUsability(
  tap: Extract<AuthenticationMethodSeed, { type: 'temporaryAccessPass' }>,
  policy: TapPolicy,
  now: Date,
  inTargets: boolean,
): { isUsable: boolean; methodUsabilityReason: string } {
  const start = Date.parse(tap.startDateTime);
  const end = start + tap.lifetimeInMinutes * 60_000;
  if (policy.state === 'disabled' || !inTargets) {
    return { isUsable: false, methodUsabilityReason: 'DisabledByPolicy' };
  }
  if (tap.used) return { isUsable: false, methodUsabilityReason: 'OneTimeUsed' };
  if (now.getTime() < start) return { isUsable: false, methodUsabilityReason: 'NotYetValid' };
  if (now.getTime() >= end) return { isUsable: false, methodUsabilityReason: 'Expired' };
  return { isUsable: true, methodUsabilityReason: 'EnabledByPolicy' };
}

/** Type-specific properties, named and shaped as the version's schema declares them. */
function ownProperties(
  method: AuthenticationMethodSeed,
  version: GraphVersion,
  policy: TapPolicy,
  options: Required<ProjectionOptions>,
): Record<string, unknown> {
  switch (method.type) {
    case 'password':
      return { password: null }; // never returned
    case 'phone':
      return {
        phoneNumber: method.phoneNumber,
        phoneType: method.phoneType,
        smsSignInState: method.smsSignInState,
      };
    case 'email':
      return { emailAddress: method.emailAddress };
    case 'microsoftAuthenticator':
      return {
        displayName: method.displayName,
        deviceTag: method.deviceTag,
        phoneAppVersion: method.phoneAppVersion ?? null,
        ...(version === 'beta' ? { clientAppName: method.clientAppName } : {}),
      };
    case 'fido2':
      return {
        displayName: method.displayName,
        aaGuid: method.aaGuid,
        model: method.model,
        attestationCertificates: method.attestationCertificates,
        attestationLevel: method.attestationLevel,
        passkeyType: method.passkeyType,
      };
    case 'softwareOath':
      return { secretKey: null }; // "always returns null"
    case 'windowsHelloForBusiness':
      return { displayName: method.displayName, keyStrength: method.keyStrength };
    case 'temporaryAccessPass':
      return {
        startDateTime: method.startDateTime,
        lifetimeInMinutes: method.lifetimeInMinutes,
        isUsableOnce: method.isUsableOnce,
        // The beta type declares neither isUsable nor methodUsabilityReason (Microsoft's OpenAPI subset).
        ...(version === 'v1.0'
          ? temporaryAccessPassUsability(method, policy, options.now, options.inTapPolicyTargets)
          : {}),
        temporaryAccessPass: null, // the pass itself is returned only on create
      };
    case 'platformCredential':
      return { displayName: method.displayName, keyStrength: method.keyStrength, platform: method.platform };
    case 'hardwareOath':
      return {};
    case 'passwordlessMicrosoftAuthenticator':
      return { displayName: method.displayName, creationDateTime: method.createdDateTime ?? null };
    case 'qrCodePin':
      return {}; // its pin and QR codes are navigation properties, not returned inline
  }
}

/** A method as the list/get operations return it for the given API version. */
export function projectMethod(
  method: AuthenticationMethodSeed,
  version: GraphVersion,
  policy: TapPolicy,
  options: ProjectionOptions = {},
): Record<string, unknown> {
  const resolved = { now: options.now ?? new Date(), inTapPolicyTargets: options.inTapPolicyTargets ?? true };
  return {
    '@odata.type': METHOD_ODATA_TYPES[method.type],
    id: method.id,
    createdDateTime: method.createdDateTime ?? null,
    ...(version === 'beta' ? { lastUsedDateTime: method.lastUsedDateTime ?? null } : {}),
    ...ownProperties(method, version, policy, resolved),
  };
}
