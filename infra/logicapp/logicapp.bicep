// The recovery chain as a Consumption Logic App (workflow.json): a `lockout-events` message → the
// flag → a ticket → one-call recover → the pass to its channel → the flag resolved. It runs as the
// user-assigned identity main.bicep grants the API's app roles and Storage Queue Data Message Processor.

@description('Name of the Logic App workflow.')
param name string

param location string

param tags object = {}

@description('Resource id of the user-assigned identity the Logic App runs as.')
param identityId string

@description('Client id of that identity: the API records the workflow as app:<client id>.')
param identityClientId string

@description('The API below /api, for example https://<app>.azurewebsites.net/api.')
param apiBaseUrl string

@description('The API\'s App ID URI: the audience of the identity\'s tokens.')
param apiAppIdUri string

@description('Storage account holding the lockout-events queue.')
param storageAccountName string

// The three channel URLs may carry a signature (a Logic App or Teams workflow trigger URL does), so
// they are secure here and SecureString in the workflow: never shown in deployment or run history.
@secure()
@description('HTTP endpoint that creates a ticket and answers JSON with its `number`.')
param ticketUrl string

@secure()
@description('HTTP endpoint that hands the pass to the user\'s manager or the ticket\'s private note.')
param passDeliveryUrl string

@secure()
@description('HTTP endpoint of the security channel: suspected attacks and failed runs.')
param securityChannelUrl string

// Azure Queues managed connector with the Logic Apps managed identity. Consumption has no built-in
// queue trigger (that one is Standard-only); a multi-authentication managed connector takes the
// `managedIdentityAuth` parameter set, per "ARM template for API connections and managed
// identities" in https://learn.microsoft.com/azure/logic-apps/authenticate-with-managed-identity
resource queueConnection 'Microsoft.Web/connections@2018-07-01-preview' = {
  name: '${name}-azurequeues'
  location: location
  tags: tags
  kind: 'V1'
  properties: {
    displayName: '${name} lockout-events (managed identity)'
    api: {
      id: subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'azurequeues')
    }
    parameterValueSet: {
      name: 'managedIdentityAuth'
      values: {}
    }
  }
}

resource workflow 'Microsoft.Logic/workflows@2019-05-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    state: 'Enabled'
    definition: loadJsonContent('workflow.json')
    parameters: {
      '$connections': {
        value: {
          azurequeues: {
            connectionId: queueConnection.id
            connectionName: queueConnection.name
            id: subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'azurequeues')
            connectionProperties: {
              authentication: {
                type: 'ManagedServiceIdentity'
                identity: identityId
              }
            }
          }
        }
      }
      apiBaseUrl: { value: apiBaseUrl }
      apiAppIdUri: { value: apiAppIdUri }
      identityId: { value: identityId }
      identityClientId: { value: identityClientId }
      storageAccountName: { value: storageAccountName }
      ticketUrl: { value: ticketUrl }
      passDeliveryUrl: { value: passDeliveryUrl }
      securityChannelUrl: { value: securityChannelUrl }
    }
  }
}

output workflowId string = workflow.id
