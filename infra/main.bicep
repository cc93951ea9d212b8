// mfa-recovery in Azure: a Flex Consumption Function App on Node 22 whose user-assigned managed
// identity holds least-privilege Microsoft Graph application permissions, and a storage account
// reached only with that identity (no shared keys).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
param environmentName string

@minLength(1)
param location string

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

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module app 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
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

output AZURE_FUNCTION_APP_NAME string = app.outputs.functionAppName
