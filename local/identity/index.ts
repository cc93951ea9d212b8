export { DEFAULT_APP_ROLES } from './app-roles';
export type { AccessTokenClaims, VerifyFailure, VerifyOptions, VerifyResult } from './jwt';
export { verifyAccessToken } from './jwt';
export type { IdentityEndpoint, IdentityEndpointOptions } from './token-endpoint';
export {
  APP_SERVICE_API_VERSION,
  DEFAULT_CLIENT_ID,
  DEFAULT_PRINCIPAL_ID,
  DEFAULT_TENANT_ID,
  startIdentityEndpoint,
} from './token-endpoint';
export type { IssuedToken, ManagedIdentity } from './token-issuer';
