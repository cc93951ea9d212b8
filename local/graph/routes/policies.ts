import { GraphErrors } from '../errors';
import { ok } from '../messages';
import { GRAPH_VERSIONS } from '../openapi-spec';
import type { RouteDefinition } from '../router';
import { param } from './method-support';

/**
 * GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}
 * (temporaryaccesspassauthenticationmethodconfiguration-get). The simulator holds the TAP
 * configuration; the other documented ids answer 501 (not simulated), anything else 404.
 */

const ID = 'authenticationMethodConfiguration-id';

/** The configuration ids Graph documents (authenticationMethodConfiguration resource page). */
const OTHER_CONFIGURATION_IDS = [
  'Fido2',
  'MicrosoftAuthenticator',
  'Sms',
  'Voice',
  'Email',
  'SoftwareOath',
  'HardwareOath',
  'X509Certificate',
  'QRCodePin',
].map((id) => id.toLowerCase());

export const getAuthenticationMethodConfiguration: RouteDefinition = {
  method: 'GET',
  template: `/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{${ID}}`,
  versions: GRAPH_VERSIONS,
  handle(context) {
    const id = param(context, ID);
    if (id.toLowerCase() !== 'temporaryaccesspass') {
      return OTHER_CONFIGURATION_IDS.includes(id.toLowerCase())
        ? GraphErrors.notImplemented(
            'GET',
            `/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/${id}`,
          )
        : GraphErrors.authenticationMethodConfigurationNotFound(id);
    }
    const policy = context.tenant.temporaryAccessPassPolicy();
    const base = `https://graph.microsoft.com/${context.version}/$metadata`;
    // Shape and order as the documented example; includeTargets comes without $expand there.
    return ok({
      '@odata.context': `${base}#authenticationMethodConfigurations/$entity`,
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
      id: 'TemporaryAccessPass',
      state: policy.state,
      defaultLifetimeInMinutes: policy.defaultLifetimeInMinutes,
      defaultLength: policy.defaultLength,
      minimumLifetimeInMinutes: policy.minimumLifetimeInMinutes,
      maximumLifetimeInMinutes: policy.maximumLifetimeInMinutes,
      isUsableOnce: policy.isUsableOnce,
      'includeTargets@odata.context': `${base}#policies/authenticationMethodsPolicy/authenticationMethodConfigurations('TemporaryAccessPass')/microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration/includeTargets`,
      includeTargets: policy.includeTargets.map((target) => ({
        targetType: target.targetType,
        id: target.id,
        isRegistrationRequired: target.isRegistrationRequired,
      })),
      excludeTargets: policy.excludeTargets.map((target) => ({
        targetType: target.targetType,
        id: target.id,
      })),
    });
  },
};
