// The identity the Logic App runs as: what its chain needs and nothing more. It reads lockout
// events from the queue, looks up methods and lockouts, resets MFA and issues a Temporary Access
// Pass through the API; it holds no Microsoft Graph permission of its own.
extension microsoftGraphV1

param location string
param tags object
param resourceToken string
param storageAccountName string
param apiServicePrincipalId string
@description('App role ids of the API registration, by role name.')
param apiRoleIds object

var storageQueueDataMessageProcessor = '8a0f0c08-91a1-4084-bc3d-661d67233fed'
var apiRoles = ['Recovery.Read', 'Recovery.Reset', 'Recovery.IssueTap']

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-mfa-logic-${resourceToken}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageQueueDataMessageProcessor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageProcessor)
  }
}

resource apiRoleGrants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for role in apiRoles: {
    principalId: identity.properties.principalId
    resourceId: apiServicePrincipalId
    appRoleId: apiRoleIds[role]
  }
]

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
