/**
 * The Microsoft Graph application permissions (app roles) the Function App's managed identity
 * holds: the least privilege for the operations it calls (docs/threat-model.md, "Automation
 * identity abuse"; each route's accepted permissions come from Microsoft's OpenAPI
 * `x-ms-permissions`). Widen this list, and only this list, when a new operation needs more; infra/main.bicep grants the same names.
 *
 * Never here: UserAuthenticationMethod.ReadWrite.All, Directory.ReadWrite.All,
 * RoleManagement.ReadWrite.Directory (Tier 0). Without UserAuthenticationMethod.ReadWrite.All the
 * app can't change a user's default MFA method (beta signInPreferences PATCH) nor delete the
 * deprecated beta passwordlessMicrosoftAuthenticator methods: a reset removes the default method
 * last instead.
 */
export const DEFAULT_APP_ROLES: readonly string[] = [
  // GET /users/{id} with $select of non-basic properties (accountEnabled, userType, …).
  'User.Read.All',
  // GET /users/{id}/authentication/methods: the list has no per-method permission.
  'UserAuthenticationMethod.Read.All',
  // Per-method write permissions, one per type the reset removes (DELETE …/<type>Methods/{id}).
  'UserAuthMethod-Phone.ReadWrite.All', // phones: delete, add, change the number, SMS sign-in on/off
  'UserAuthMethod-Email.ReadWrite.All',
  'UserAuthMethod-Passkey.ReadWrite.All', // fido2Methods (security keys and passkeys)
  'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All',
  'UserAuthMethod-SoftwareOATH.ReadWrite.All',
  'UserAuthMethod-HardwareOATH.ReadWrite.All', // beta hardwareOathMethods
  'UserAuthMethod-WindowsHello.ReadWrite.All',
  'UserAuthMethod-PlatformCred.ReadWrite.All',
  'UserAuthMethod-QR.ReadWrite.All', // beta qrCodePinMethod
  'UserAuthMethod-TAP.ReadWrite.All', // issue and remove a Temporary Access Pass
  // Read the TAP policy (authenticationMethodConfigurations/TemporaryAccessPass). Redundant while
  // this identity also holds Policy.ReadWrite.AuthenticationMethod; kept for a read-only split.
  'Policy.Read.AuthenticationMethod',
  // Per-user MFA (beta authentication/requirements): the only app permission for PATCH, and it
  // also reads it, so Policy.Read.All is not needed.
  'Policy.ReadWrite.AuthenticationMethod',
  // POST /users/{id}/revokeSignInSessions.
  'User.RevokeSessions.All',
  // Protected-account checks (src/lib/guard):
  // roleAssignments, roleAssignmentScheduleInstances and roleEligibilityScheduleInstances, and full
  // directoryRole objects (roleTemplateId) in transitiveMemberOf. One read-only permission covers
  // all of them; the narrower RoleEligibilitySchedule/RoleAssignmentSchedule.Read.Directory pair
  // would not cover roleAssignments or directoryRole reads.
  'RoleManagement.Read.Directory',
  // PIM for Groups: /identityGovernance/privilegedAccess/group/eligibilityScheduleInstances.
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  // Full group objects (displayName, isAssignableToRole) in transitiveMemberOf; with
  // User.Read.All alone groups come back with every property null (limited information). Also
  // the lockout scan's protected population: GET /groups (role-assignable ones) and
  // GET /groups/{id}/transitiveMembers, whose least application permission this is.
  'GroupMember.Read.All',
  // Sign-in logs (lockout detection) and the registration report.
  'AuditLog.Read.All',
];
