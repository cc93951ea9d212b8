/**
 * Every request the app can send to Microsoft Graph: method, version, Microsoft's path template
 * (as in its OpenAPI description), whether the app may send it as a JSON `$batch` step, and the
 * application permissions it relies on. docs/graph-calls.md shows this table with Microsoft's page
 * for each call. The Function App's permission list (local/identity/app-roles.ts, infra/main.bicep)
 * is the union of `permissions`; the test suite fails when the app sends a request missing here, or
 * when an entry has no integration test. Add a call here first.
 */

/** The application permissions the app is granted: nothing outside this list can be relied on. */
export type GraphPermission =
  | 'User.Read.All'
  | 'UserAuthenticationMethod.Read.All'
  | 'UserAuthMethod-Phone.ReadWrite.All'
  | 'UserAuthMethod-Email.ReadWrite.All'
  | 'UserAuthMethod-Passkey.ReadWrite.All'
  | 'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All'
  | 'UserAuthMethod-SoftwareOATH.ReadWrite.All'
  | 'UserAuthMethod-HardwareOATH.ReadWrite.All'
  | 'UserAuthMethod-WindowsHello.ReadWrite.All'
  | 'UserAuthMethod-PlatformCred.ReadWrite.All'
  | 'UserAuthMethod-QR.ReadWrite.All'
  | 'UserAuthMethod-TAP.ReadWrite.All'
  | 'Policy.Read.AuthenticationMethod'
  | 'Policy.ReadWrite.AuthenticationMethod'
  | 'User.RevokeSessions.All'
  | 'RoleManagement.Read.Directory'
  | 'PrivilegedEligibilitySchedule.Read.AzureADGroup'
  | 'GroupMember.Read.All'
  | 'AuditLog.Read.All';

export interface GraphCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  version: 'v1.0' | 'beta';
  /** Microsoft's path template below the version, e.g. `/users/{user-id}`. */
  path: string;
  /** The app may send it as a step of a JSON `$batch` (a write step then carries a body and Content-Type). */
  batchable: boolean;
  /**
   * What the app holds for this call: the first permission allows it, any others make the answer
   * complete. Empty only for `$batch`, whose steps are each authorized on their own.
   */
  permissions: readonly GraphPermission[];
  /** The least-privileged application permission Microsoft documents for the call on its own. */
  leastPrivileged: string;
  /** What the app sends it for and, where `permissions` differ from `leastPrivileged`, why. */
  why: string;
}

const USER = '/users/{user-id}';
const METHODS = `${USER}/authentication`;

function deleteMethod(
  version: GraphCall['version'],
  collectionAndId: string,
  permission: GraphPermission,
  why = 'a reset or a single delete removes this type of method',
): GraphCall {
  return {
    method: 'DELETE',
    version,
    path: `${METHODS}/${collectionAndId}`,
    batchable: true,
    permissions: [permission],
    leastPrivileged: permission,
    why,
  };
}

const ROLE_LISTS_WHY =
  'the guard and the lockout scan look up role holders; RoleManagement.Read.Directory covers the three ' +
  "role lists and the directoryRole objects in transitiveMemberOf, where the narrower schedule permissions don't";

export const GRAPH_CALLS: readonly GraphCall[] = [
  {
    method: 'GET',
    version: 'v1.0',
    path: USER,
    batchable: true,
    permissions: ['User.Read.All'],
    leastPrivileged: 'User.ReadBasic.All',
    why:
      'resolves the target (look-up, guard); User.ReadBasic.All returns only basic properties, and ' +
      'accountEnabled and userType are not among them',
  },
  {
    method: 'GET',
    version: 'beta',
    path: `${METHODS}/methods`,
    batchable: false,
    permissions: ['UserAuthenticationMethod.Read.All'],
    leastPrivileged: 'UserAuthenticationMethod.Read.All',
    why:
      'lists every registered method before and after a reset; beta, because only beta lists hardware ' +
      'OATH tokens and QR code + PIN, and the list has no per-method permission',
  },
  deleteMethod('v1.0', 'phoneMethods/{phoneAuthenticationMethod-id}', 'UserAuthMethod-Phone.ReadWrite.All'),
  deleteMethod('v1.0', 'emailMethods/{emailAuthenticationMethod-id}', 'UserAuthMethod-Email.ReadWrite.All'),
  deleteMethod(
    'v1.0',
    'microsoftAuthenticatorMethods/{microsoftAuthenticatorAuthenticationMethod-id}',
    'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All',
  ),
  deleteMethod(
    'v1.0',
    'fido2Methods/{fido2AuthenticationMethod-id}',
    'UserAuthMethod-Passkey.ReadWrite.All',
    'a reset or a single delete removes security keys and passkeys',
  ),
  deleteMethod(
    'v1.0',
    'softwareOathMethods/{softwareOathAuthenticationMethod-id}',
    'UserAuthMethod-SoftwareOATH.ReadWrite.All',
  ),
  deleteMethod(
    'v1.0',
    'temporaryAccessPassMethods/{temporaryAccessPassAuthenticationMethod-id}',
    'UserAuthMethod-TAP.ReadWrite.All',
  ),
  deleteMethod(
    'v1.0',
    'windowsHelloForBusinessMethods/{windowsHelloForBusinessAuthenticationMethod-id}',
    'UserAuthMethod-WindowsHello.ReadWrite.All',
  ),
  deleteMethod(
    'v1.0',
    'platformCredentialMethods/{platformCredentialAuthenticationMethod-id}',
    'UserAuthMethod-PlatformCred.ReadWrite.All',
  ),
  deleteMethod(
    'beta',
    'hardwareOathMethods/{hardwareOathAuthenticationMethod-id}',
    'UserAuthMethod-HardwareOATH.ReadWrite.All',
    'a reset or a single delete removes hardware OATH tokens (beta only)',
  ),
  deleteMethod(
    'beta',
    'qrCodePinMethod',
    'UserAuthMethod-QR.ReadWrite.All',
    'a reset or a single delete removes QR code + PIN (single-valued, no id)',
  ),
  {
    ...deleteMethod(
      'beta',
      'passwordlessMicrosoftAuthenticatorMethods/{passwordlessMicrosoftAuthenticatorAuthenticationMethod-id}',
      'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All',
    ),
    leastPrivileged: 'UserAuthenticationMethod.ReadWrite.All',
    why:
      'a reset removes the deprecated passwordless Authenticator type; for acting on other users its page ' +
      'also accepts UserAuthMethod-MicrosoftAuthApp.ReadWrite.All, which the app holds for Authenticator ' +
      'deletes, and never UserAuthenticationMethod.ReadWrite.All (it can change any method of anyone)',
  },
  {
    method: 'POST',
    version: 'v1.0',
    path: `${METHODS}/phoneMethods`,
    batchable: false,
    permissions: ['UserAuthMethod-Phone.ReadWrite.All'],
    leastPrivileged: 'UserAuthMethod-Phone.ReadWrite.All',
    why: 'adds a backup phone',
  },
  {
    method: 'POST',
    version: 'v1.0',
    path: `${METHODS}/phoneMethods/{phoneAuthenticationMethod-id}/enableSmsSignIn`,
    batchable: false,
    permissions: ['UserAuthMethod-Phone.ReadWrite.All'],
    leastPrivileged: 'UserAuthMethod-Phone.ReadWrite.All',
    why: 'turns SMS sign-in on for the phone just added, when asked',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{authenticationMethodConfiguration-id}',
    batchable: false,
    permissions: ['Policy.Read.AuthenticationMethod'],
    leastPrivileged: 'Policy.Read.AuthenticationMethod',
    why:
      'reads the TemporaryAccessPass policy (lifetimes, one-time use) before issuing a pass; redundant while ' +
      'Policy.ReadWrite.AuthenticationMethod is held, kept so that a deployment without MFA suspension can drop that one',
  },
  {
    method: 'POST',
    version: 'v1.0',
    path: `${METHODS}/temporaryAccessPassMethods`,
    batchable: false,
    permissions: ['UserAuthMethod-TAP.ReadWrite.All'],
    leastPrivileged: 'UserAuthMethod-TAP.ReadWrite.All',
    why: 'issues a Temporary Access Pass (never in a batch: a pass is never re-sent)',
  },
  {
    method: 'GET',
    version: 'beta',
    path: `${METHODS}/requirements`,
    batchable: false,
    permissions: ['Policy.ReadWrite.AuthenticationMethod'],
    leastPrivileged: 'Policy.Read.All',
    why:
      'reads per-user MFA before a suspension; the PATCH needs Policy.ReadWrite.AuthenticationMethod, which ' +
      'reads it too, where Policy.Read.All would add read access to every policy of the tenant',
  },
  {
    method: 'PATCH',
    version: 'beta',
    path: `${METHODS}/requirements`,
    batchable: false,
    permissions: ['Policy.ReadWrite.AuthenticationMethod'],
    leastPrivileged: 'Policy.ReadWrite.AuthenticationMethod',
    why: 'suspends and restores per-user MFA (the only application permission for it)',
  },
  {
    method: 'POST',
    version: 'v1.0',
    path: `${USER}/revokeSignInSessions`,
    batchable: true,
    permissions: ['User.RevokeSessions.All'],
    leastPrivileged: 'User.RevokeSessions.All',
    why: 'revokes sessions on its own, or as a step of a reset batch (a write step: it needs a body, even empty, and Content-Type)',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: `${USER}/transitiveMemberOf`,
    batchable: true,
    permissions: ['User.Read.All', 'GroupMember.Read.All', 'RoleManagement.Read.Directory'],
    leastPrivileged: 'User.Read.All',
    why:
      "the guard reads the target's groups and roles (later pages follow @odata.nextLink); with User.Read.All " +
      'alone groups and directory roles come back with every property null, so the group and role ' +
      'read permissions are needed for isAssignableToRole and roleTemplateId',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/roleManagement/directory/roleEligibilityScheduleInstances',
    batchable: true,
    permissions: ['RoleManagement.Read.Directory'],
    leastPrivileged: 'RoleEligibilitySchedule.Read.Directory',
    why: ROLE_LISTS_WHY,
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/roleManagement/directory/roleAssignmentScheduleInstances',
    batchable: true,
    permissions: ['RoleManagement.Read.Directory'],
    leastPrivileged: 'RoleAssignmentSchedule.Read.Directory',
    why: ROLE_LISTS_WHY,
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/roleManagement/directory/roleAssignments',
    batchable: true,
    permissions: ['RoleManagement.Read.Directory'],
    leastPrivileged: 'RoleManagement.Read.Directory',
    why: ROLE_LISTS_WHY,
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
    batchable: true,
    permissions: ['PrivilegedEligibilitySchedule.Read.AzureADGroup'],
    leastPrivileged: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    why: 'the guard and the lockout scan read PIM for Groups eligibilities',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/groups',
    batchable: true,
    permissions: ['GroupMember.Read.All'],
    leastPrivileged: 'GroupMember.Read.All',
    why: 'the lockout scan lists the role-assignable groups',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/groups/{group-id}/transitiveMembers',
    batchable: true,
    permissions: ['GroupMember.Read.All'],
    leastPrivileged: 'GroupMember.Read.All',
    why: 'the lockout scan lists the members of protected and role-assignable groups',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/auditLogs/signIns',
    batchable: false,
    permissions: ['AuditLog.Read.All'],
    leastPrivileged: 'AuditLog.Read.All',
    why: 'the lockout scan reads failed sign-ins page by page (5 requests per 10 s per app and tenant)',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/auditLogs/directoryAudits',
    batchable: false,
    permissions: ['AuditLog.Read.All'],
    leastPrivileged: 'AuditLog.Read.All',
    why:
      'the watch after a reset or TAP reads "User registered security info" audits, paced with the sign-ins ' +
      '(the same reports limit); Microsoft lists Directory.Read.All beside it, which reading audits has not needed',
  },
  {
    method: 'GET',
    version: 'v1.0',
    path: '/reports/authenticationMethods/userRegistrationDetails',
    batchable: false,
    permissions: ['AuditLog.Read.All'],
    leastPrivileged: 'AuditLog.Read.All',
    why: "the registration scan reads every user's registered methods page by page, paced with the sign-ins (the same reports limit)",
  },
  {
    method: 'POST',
    version: 'v1.0',
    path: '/$batch',
    batchable: false,
    permissions: [],
    leastPrivileged: 'none',
    why: 'carries the guard look-ups, the scan reads and the v1.0 deletes and revocation of a reset',
  },
  {
    method: 'POST',
    version: 'beta',
    path: '/$batch',
    batchable: false,
    permissions: [],
    leastPrivileged: 'none',
    why: 'carries the deletes of beta-only method types in a reset',
  },
];

/** The app's Graph application permissions: every permission the calls rely on, once, in table order. */
export function graphPermissions(calls: readonly GraphCall[] = GRAPH_CALLS): GraphPermission[] {
  return [...new Set(calls.flatMap((call) => call.permissions))];
}
