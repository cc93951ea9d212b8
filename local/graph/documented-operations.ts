import { graphSpec, type GraphVersion } from './openapi-spec';

/**
 * Operations Microsoft documents on paths the simulator knows that the trimmed OpenAPI subsets
 * leave out. Without them the router would call these paths unknown (400) or their methods not
 * allowed (405), where Graph serves them; listed, they answer 501 like any documented operation
 * the simulator doesn't serve yet.
 */
interface DocumentedOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  template: string;
  versions: readonly GraphVersion[];
}

const BOTH: readonly GraphVersion[] = ['v1.0', 'beta'];
const BETA: readonly GraphVersion[] = ['beta'];
const HARDWARE_OATH = '/users/{user-id}/authentication/hardwareOathMethods';
const EXTERNAL = '/users/{user-id}/authentication/externalAuthenticationMethods';
const CONFIGURATION =
  '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{authenticationMethodConfiguration-id}';

const OPERATIONS: readonly DocumentedOperation[] = [
  // emailauthenticationmethod-update
  {
    method: 'PATCH',
    template: '/users/{user-id}/authentication/emailMethods/{emailAuthenticationMethod-id}',
    versions: BOTH,
  },
  // authentication-post-fido2methods (passkey provisioning; the CSDL still says Insertable=false)
  { method: 'POST', template: '/users/{user-id}/authentication/fido2Methods', versions: BOTH },
  // authenticationmethod-resetpassword (the password method's id, through the generic path)
  {
    method: 'POST',
    template: '/users/{user-id}/authentication/methods/{authenticationMethod-id}/resetPassword',
    versions: BOTH,
  },
  // authentication-put-qrcodepinmethod (creates the single-valued QR code + PIN method)
  { method: 'PUT', template: '/users/{user-id}/authentication/qrCodePinMethod', versions: BOTH },
  // temporaryaccesspassauthenticationmethodconfiguration-update and -delete (revert to defaults)
  { method: 'PATCH', template: CONFIGURATION, versions: BOTH },
  { method: 'DELETE', template: CONFIGURATION, versions: BOTH },
  // hardwareoathauthenticationmethod-activate, -deactivate, -assignandactivate (beta)
  {
    method: 'POST',
    template: `${HARDWARE_OATH}/{hardwareOathAuthenticationMethod-id}/activate`,
    versions: BETA,
  },
  {
    method: 'POST',
    template: `${HARDWARE_OATH}/{hardwareOathAuthenticationMethod-id}/deactivate`,
    versions: BETA,
  },
  { method: 'POST', template: `${HARDWARE_OATH}/assignAndActivate`, versions: BETA },
  // resources/externalauthenticationmethod: list, create, get, delete
  { method: 'GET', template: EXTERNAL, versions: BOTH },
  { method: 'POST', template: EXTERNAL, versions: BOTH },
  { method: 'GET', template: `${EXTERNAL}/{externalAuthenticationMethod-id}`, versions: BOTH },
  { method: 'DELETE', template: `${EXTERNAL}/{externalAuthenticationMethod-id}`, versions: BOTH },
];

/** Path templates Graph documents for the version: the OpenAPI subset's and the ones above. */
export function documentedTemplates(version: GraphVersion): readonly string[] {
  const extra = OPERATIONS.filter((operation) => operation.versions.includes(version)).map(
    (operation) => operation.template,
  );
  return [...new Set([...graphSpec(version).pathTemplates(), ...extra])];
}

/** Whether Graph documents this method on this path template for the version. */
export function isDocumented(version: GraphVersion, method: string, template: string): boolean {
  return (
    graphSpec(version).hasOperation(method, template) ||
    OPERATIONS.some(
      (operation) =>
        operation.method === method &&
        operation.template === template &&
        operation.versions.includes(version),
    )
  );
}
