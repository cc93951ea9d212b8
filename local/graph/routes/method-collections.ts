import { GRAPH_VERSIONS, type GraphVersion } from '../openapi-spec';
import type { AuthenticationMethodType } from '../seed-schema';

/** One per-type collection, `/users/{user}/authentication/<collection>/{id}`. */
export interface MethodCollection {
  type: Exclude<AuthenticationMethodType, 'qrCodePin'>;
  collection: string;
  /** The item's parameter name in Microsoft's OpenAPI path template. */
  idParameter: string;
  versions: readonly GraphVersion[];
}

const both = (type: MethodCollection['type'], collection: string, idParameter: string): MethodCollection => ({
  type,
  collection,
  idParameter,
  versions: GRAPH_VERSIONS,
});

/** Every collection keyed by a method id (QR code + PIN is single-valued and has its own routes). */
export const METHOD_COLLECTIONS: readonly MethodCollection[] = [
  both('password', 'passwordMethods', 'passwordAuthenticationMethod-id'),
  both('phone', 'phoneMethods', 'phoneAuthenticationMethod-id'),
  both('email', 'emailMethods', 'emailAuthenticationMethod-id'),
  both('fido2', 'fido2Methods', 'fido2AuthenticationMethod-id'),
  both(
    'microsoftAuthenticator',
    'microsoftAuthenticatorMethods',
    'microsoftAuthenticatorAuthenticationMethod-id',
  ),
  both('softwareOath', 'softwareOathMethods', 'softwareOathAuthenticationMethod-id'),
  both('temporaryAccessPass', 'temporaryAccessPassMethods', 'temporaryAccessPassAuthenticationMethod-id'),
  both(
    'windowsHelloForBusiness',
    'windowsHelloForBusinessMethods',
    'windowsHelloForBusinessAuthenticationMethod-id',
  ),
  both('platformCredential', 'platformCredentialMethods', 'platformCredentialAuthenticationMethod-id'),
  {
    type: 'hardwareOath',
    collection: 'hardwareOathMethods',
    idParameter: 'hardwareOathAuthenticationMethod-id',
    versions: ['beta'],
  },
  {
    type: 'passwordlessMicrosoftAuthenticator',
    collection: 'passwordlessMicrosoftAuthenticatorMethods',
    idParameter: 'passwordlessMicrosoftAuthenticatorAuthenticationMethod-id',
    versions: ['beta'],
  },
];
