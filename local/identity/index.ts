export { DEFAULT_APP_ROLES } from './app-roles';
export type { CallerTokenOptions, DemoCaller, DemoCallerName } from './caller-tokens';
export { DEFAULT_API_CLIENT_ID, DEMO_CALLER_CLIENT_ID, DEMO_CALLERS } from './caller-tokens';
export type { AccessTokenClaims, VerifyFailure, VerifyOptions, VerifyResult } from './jwt';
export type { CallerTokenClaims, JwtHeader } from './jwt';
export { verifyAccessToken } from './jwt';
export { signJwt } from './jwt';
export type { IdentityEndpoint, IdentityEndpointOptions } from './token-endpoint';
export {
  APP_SERVICE_API_VERSION,
  DEFAULT_CLIENT_ID,
  DEFAULT_PRINCIPAL_ID,
  DEFAULT_TENANT_ID,
  startIdentityEndpoint,
} from './token-endpoint';
export type { IssuedToken, ManagedIdentity } from './token-issuer';
export type { IssuedCallerToken } from './token-issuer';
