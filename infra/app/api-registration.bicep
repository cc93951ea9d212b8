// The API's own app registration: callers get tokens for it (CALLER_AUTH=entraToken) and hold its
// app roles (src/lib/auth/roles.ts; a test holds the two lists equal). docs/callers.md says what each
// role allows.
extension microsoftGraphV1

param uniqueName string
param displayName string
@description('Object id of the person running azd up: owner of the registration (empty: no owner).')
param ownerPrincipalId string = ''

// api://{tenant id}/{name}: a form the identifier URI restrictions of a tenant accept by default,
// known before the registration exists (api://{appId} would need a second deployment).
var appIdUri = 'api://${tenant().tenantId}/${uniqueName}'

// Roles a person holds but an application never does: an approval or a privileged request needs a
// named person behind it (docs/approvals.md).
var personOnlyRoles = ['Recovery.Privileged', 'Recovery.Approve']

var roles = [
  { value: 'Recovery.Read', displayName: 'Read methods, lockouts and audit', description: 'List a user\'s methods, lockout flags and the audit log.' }
  { value: 'Recovery.Reset', displayName: 'Reset MFA', description: 'Reset MFA, delete a method, revoke sessions; acknowledge or resolve a lockout flag.' }
  { value: 'Recovery.IssueTap', displayName: 'Issue a Temporary Access Pass', description: 'Issue a Temporary Access Pass; acknowledge or resolve a lockout flag.' }
  { value: 'Recovery.AddMethod', displayName: 'Add a phone method', description: 'Add a phone method for a user.' }
  { value: 'Recovery.SuspendMfa', displayName: 'Suspend per-user MFA', description: 'Suspend and restore per-user MFA.' }
  { value: 'Recovery.Privileged', displayName: 'Request actions on protected accounts', description: 'Ask to act on a protected account; a second person approves.' }
  { value: 'Recovery.Approve', displayName: 'Approve requests', description: 'Approve or deny someone else\'s request on a protected account.' }
  { value: 'Recovery.SecurityOps', displayName: 'Security operations', description: 'Act on users with an open attack flag; acknowledge or resolve attack flags.' }
  { value: 'Recovery.Admin', displayName: 'Administer the service', description: 'Release the brake, switch writes off and on.' }
]

resource api 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  identifierUris: [appIdUri]
  api: { requestedAccessTokenVersion: 2 }
  appRoles: [
    for role in roles: {
      id: guid(uniqueName, role.value)
      value: role.value
      displayName: role.displayName
      description: role.description
      isEnabled: true
      allowedMemberTypes: contains(personOnlyRoles, role.value) ? ['User'] : ['User', 'Application']
    }
  ]
  owners: { relationships: empty(ownerPrincipalId) ? [] : [ownerPrincipalId] }
}

resource apiServicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: api.appId
  // Only users and apps assigned a role get a token for the API.
  appRoleAssignmentRequired: true
}

output clientId string = api.appId
output appIdUri string = appIdUri
output servicePrincipalId string = apiServicePrincipal.id
output roleIds object = toObject(roles, role => role.value, role => guid(uniqueName, role.value))
