// mfa-recovery in Azure (`azd up`): a Flex Consumption Function App on Node 22 whose user-assigned
// managed identity holds least-privilege Microsoft Graph application permissions; a storage account
// reached only with identities (no shared keys); the API's app registration and its app roles; a
// Logic App with its own identity that chains recovery through the API; Application Insights with
// an alert when the brake engages. README "Deploy to Azure" says who must run it.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
param environmentName string

@minLength(1)
param location string

@description('Object id of the person running azd up (AZURE_PRINCIPAL_ID): owner of the API app registration.')
param principalId string = ''

@description('Break-glass account object ids, comma-separated: no route may ever act on them.')
param breakGlassObjectIds string = ''

@description('Group object ids, comma-separated, whose members are protected.')
param protectedGroupIds string = ''

@description('Email told when the brake engages (empty: the alert shows in the portal only).')
param alertEmail string = ''

@description('Logic App: where it opens or updates a ticket.')
param ticketUrl string = ''

@description('Logic App: where it hands the Temporary Access Pass to the person who delivers it.')
param passDeliveryUrl string = ''

@description('Logic App: where it tells security about a suspected attack.')
param securityChannelUrl string = ''

@description('Graph application permissions the identity needs: the union of src/lib/graph/graph-calls.ts (a test holds them equal).')
param graphAppRoles array = [
  'User.Read.All'
  'UserAuthenticationMethod.Read.All'
  'UserAuthMethod-Phone.ReadWrite.All'
  'UserAuthMethod-Email.ReadWrite.All'
  'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All'
  'UserAuthMethod-Passkey.ReadWrite.All'
  'UserAuthMethod-SoftwareOATH.ReadWrite.All'
  'UserAuthMethod-TAP.ReadWrite.All'
  'UserAuthMethod-WindowsHello.ReadWrite.All'
  'UserAuthMethod-PlatformCred.ReadWrite.All'
  'UserAuthMethod-HardwareOATH.ReadWrite.All'
  'UserAuthMethod-QR.ReadWrite.All'
  'Policy.Read.AuthenticationMethod'
  'Policy.ReadWrite.AuthenticationMethod'
  'User.RevokeSessions.All'
  'GroupMember.Read.All'
  'RoleManagement.Read.Directory'
  'PrivilegedEligibilitySchedule.Read.AzureADGroup'
  'AuditLog.Read.All'
]

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

// src/lib/storage/tables.ts and the queue defaults of src/lib/config.ts (tests hold them equal).
var appTables = ['Audit', 'Idempotency', 'Suspensions', 'Lockouts', 'ScanState', 'Approvals', 'Limits', 'RegistrationSnapshots']
var appQueues = { RECOVERY_EVENTS_QUEUE: 'recovery-events', LOCKOUT_EVENTS_QUEUE: 'lockout-events' }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module apiRegistration 'app/api-registration.bicep' = {
  name: 'api-registration'
  scope: rg
  params: {
    uniqueName: 'mfa-recovery-${resourceToken}'
    displayName: 'mfa-recovery (${environmentName})'
    ownerPrincipalId: principalId
  }
}

module app 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    apiClientId: apiRegistration.outputs.clientId
    apiAppIdUri: apiRegistration.outputs.appIdUri
    tableNames: appTables
    queueNames: appQueues
    breakGlassObjectIds: breakGlassObjectIds
    protectedGroupIds: protectedGroupIds
  }
}

module graphPermissions 'app/graph-permissions.bicep' = {
  name: 'graph-permissions'
  scope: rg
  params: {
    principalId: app.outputs.identityPrincipalId
    appRoles: graphAppRoles
  }
}

module brakeAlert 'app/brake-alert.bicep' = {
  name: 'brake-alert'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appInsightsName: app.outputs.appInsightsName
    alertEmail: alertEmail
  }
}

module logicAppIdentity 'app/logic-app-identity.bicep' = {
  name: 'logic-app-identity'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    storageAccountName: app.outputs.storageAccountName
    apiServicePrincipalId: apiRegistration.outputs.servicePrincipalId
    apiRoleIds: apiRegistration.outputs.roleIds
  }
}

module logicApp 'logicapp/logicapp.bicep' = {
  name: 'logicapp'
  scope: rg
  params: {
    name: 'logic-mfa-${resourceToken}'
    location: location
    tags: tags
    identityId: logicAppIdentity.outputs.id
    identityClientId: logicAppIdentity.outputs.clientId
    apiBaseUrl: app.outputs.apiBaseUrl
    apiAppIdUri: apiRegistration.outputs.appIdUri
    storageAccountName: app.outputs.storageAccountName
    ticketUrl: ticketUrl
    passDeliveryUrl: passDeliveryUrl
    securityChannelUrl: securityChannelUrl
  }
}

output AZURE_FUNCTION_APP_NAME string = app.outputs.functionAppName
output API_BASE_URL string = app.outputs.apiBaseUrl
output API_CLIENT_ID string = apiRegistration.outputs.clientId
output API_APP_ID_URI string = apiRegistration.outputs.appIdUri
output LOGIC_APP_WORKFLOW_ID string = logicApp.outputs.workflowId
