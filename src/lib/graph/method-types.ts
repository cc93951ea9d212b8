/** The short type names this API uses, keyed by Graph's `@odata.type`. */
export const METHOD_TYPES = {
  '#microsoft.graph.passwordAuthenticationMethod': 'password',
  '#microsoft.graph.phoneAuthenticationMethod': 'phone',
  '#microsoft.graph.emailAuthenticationMethod': 'email',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticator',
  '#microsoft.graph.passwordlessMicrosoftAuthenticatorAuthenticationMethod':
    'passwordlessMicrosoftAuthenticator',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOath',
  '#microsoft.graph.hardwareOathAuthenticationMethod': 'hardwareOath',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPass',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusiness',
  '#microsoft.graph.platformCredentialAuthenticationMethod': 'platformCredential',
  '#microsoft.graph.qrCodePinAuthenticationMethod': 'qrCodePin',
  '#microsoft.graph.externalAuthenticationMethod': 'external',
} as const;

export type MethodType = (typeof METHOD_TYPES)[keyof typeof METHOD_TYPES] | 'unknown';

export const REMOVABLE_METHOD_TYPES = [
  'phone',
  'email',
  'microsoftAuthenticator',
  'passwordlessMicrosoftAuthenticator',
  'fido2',
  'softwareOath',
  'hardwareOath',
  'temporaryAccessPass',
  'windowsHelloForBusiness',
  'platformCredential',
  'qrCodePin',
] as const satisfies readonly MethodType[];

export type RemovableMethodType = (typeof REMOVABLE_METHOD_TYPES)[number];

/**
 * External (third-party) MFA registrations are the provider's, outside a reset: their documented
 * delete (`…/externalAuthenticationMethods/{id}/$ref`) needs a permission that also creates them for
 * any user, and removing one gives the user no new way in (docs/graph-calls.md).
 */
export const EXTERNAL_METHOD_TYPE = 'external' satisfies MethodType;

export function methodTypeOf(odataType: string): MethodType {
  return odataType in METHOD_TYPES ? METHOD_TYPES[odataType as keyof typeof METHOD_TYPES] : 'unknown';
}

export function isRemovable(type: MethodType): type is RemovableMethodType {
  return (REMOVABLE_METHOD_TYPES as readonly string[]).includes(type);
}

interface MethodCollection {
  version: 'v1.0' | 'beta';
  /** Navigation under `/users/{user}/authentication/`. */
  segment: string;
  /** A single-valued navigation (QR code + PIN) is deleted without an id. */
  singleValued?: true;
}

/**
 * Where each removable type is deleted: Graph has no generic delete for application callers, only
 * one path per type, and some types exist only in beta. Password and unknown types have none:
 * a method is never deleted through a guessed path.
 */
const COLLECTIONS: Record<RemovableMethodType, MethodCollection> = {
  phone: { version: 'v1.0', segment: 'phoneMethods' },
  email: { version: 'v1.0', segment: 'emailMethods' },
  microsoftAuthenticator: { version: 'v1.0', segment: 'microsoftAuthenticatorMethods' },
  fido2: { version: 'v1.0', segment: 'fido2Methods' },
  softwareOath: { version: 'v1.0', segment: 'softwareOathMethods' },
  temporaryAccessPass: { version: 'v1.0', segment: 'temporaryAccessPassMethods' },
  windowsHelloForBusiness: { version: 'v1.0', segment: 'windowsHelloForBusinessMethods' },
  platformCredential: { version: 'v1.0', segment: 'platformCredentialMethods' },
  hardwareOath: { version: 'beta', segment: 'hardwareOathMethods' },
  passwordlessMicrosoftAuthenticator: {
    version: 'beta',
    segment: 'passwordlessMicrosoftAuthenticatorMethods',
  },
  qrCodePin: { version: 'beta', segment: 'qrCodePinMethod', singleValued: true },
};

/** The version and path (below the version) that deletes one method of a user. */
export function methodDeletePath(
  userPath: string,
  type: RemovableMethodType,
  methodId: string,
): { version: 'v1.0' | 'beta'; url: string } {
  const collection = COLLECTIONS[type];
  const base = `${userPath}/authentication/${collection.segment}`;
  return {
    version: collection.version,
    url: collection.singleValued ? base : `${base}/${encodeURIComponent(methodId)}`,
  };
}
