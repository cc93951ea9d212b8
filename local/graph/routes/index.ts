import type { RouteDefinition } from '../router';
import { getAuthenticationMethod, listAuthenticationMethods } from './authentication-methods';
import { AUTHENTICATION_STATE_ROUTES } from './authentication-states';
import { batch } from './batch';
import { listDirectoryAuditsRoute } from './directory-audits';
import { GROUP_MEMBER_ROUTES } from './group-transitive-members';
import { GROUP_ROUTES } from './groups';
import { METHOD_DELETION_ROUTES } from './method-deletion';
import { METHOD_READ_ROUTES } from './method-reads';
import { PHONE_METHOD_ROUTES } from './phone-methods';
import { getAuthenticationMethodConfiguration } from './policies';
import { ROLE_MANAGEMENT_ROUTES } from './role-management';
import { revokeSignInSessions } from './sessions';
import { SIGN_IN_ROUTES } from './sign-ins';
import { TEMPORARY_ACCESS_PASS_ROUTES } from './temporary-access-pass';
import { TRANSITIVE_MEMBER_OF_ROUTES } from './transitive-member-of';
import { listUserRegistrationDetailsRoute } from './user-registration-details';
import { getUser } from './users';

/** Every Graph operation the simulator serves. A new route needs a case in the OpenAPI conformance test. */
export const GRAPH_ROUTES: readonly RouteDefinition[] = [
  getUser,
  listAuthenticationMethods,
  getAuthenticationMethod,
  ...METHOD_READ_ROUTES,
  batch,
  // Recovery actions: method removal, phones and SMS sign-in, TAP, sessions, per-user MFA.
  ...METHOD_DELETION_ROUTES,
  ...PHONE_METHOD_ROUTES,
  ...TEMPORARY_ACCESS_PASS_ROUTES,
  getAuthenticationMethodConfiguration,
  revokeSignInSessions,
  ...AUTHENTICATION_STATE_ROUTES,
  // Protected-account checks: memberships, role assignments, PIM eligibilities.
  ...TRANSITIVE_MEMBER_OF_ROUTES,
  ...ROLE_MANAGEMENT_ROUTES,
  // Lockout detection: the protected population (role-assignable and protected groups' members).
  ...GROUP_ROUTES,
  ...GROUP_MEMBER_ROUTES,
  // Lockout detection: the sign-in log.
  ...SIGN_IN_ROUTES,
  // The watch after a recovery: methods registered since.
  listDirectoryAuditsRoute,
  // Registration readiness: the registration report.
  listUserRegistrationDetailsRoute,
];
