param location string
param tags object
param resourceToken string
@description('Client id of the API app registration (callers\' token audience, v2 tokens).')
param apiClientId string
@description('App ID URI of the API app registration (token audience, v1 tokens).')
param apiAppIdUri string
@description('Tables the app writes: src/lib/storage/tables.ts (a test holds the two lists equal).')
param tableNames array
@description('Queues the app writes: the queue settings of src/lib/config.ts.')
param queueNames object
@description('Accounts no route may ever act on (object ids, comma-separated): fill in your break-glass accounts.')
param breakGlassObjectIds string = ''
@description('Groups whose members are protected (object ids, comma-separated).')
param protectedGroupIds string = ''

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var deploymentContainer = 'app-package'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-mfa-${resourceToken}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stmfa${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
  resource blobs 'blobServices' = {
    name: 'default'
    resource container 'containers' = { name: deploymentContainer }
  }
  resource tableService 'tableServices' = {
    name: 'default'
    resource appTables 'tables' = [for table in tableNames: { name: table }]
  }
  resource queueService 'queueServices' = {
    name: 'default'
    resource appQueues 'queues' = [for queue in items(queueNames): { name: queue.value }]
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-mfa-${resourceToken}'
  location: location
  tags: tags
  properties: { retentionInDays: 30, sku: { name: 'PerGB2018' }, features: { disableLocalAuth: true } }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-mfa-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id, DisableLocalAuth: true }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-mfa-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-mfa-${resourceToken}'
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'GRAPH_CREDENTIAL', value: 'managedIdentity' }
        { name: 'STORAGE_TABLE_ENDPOINT', value: storage.properties.primaryEndpoints.table }
        { name: 'STORAGE_QUEUE_ENDPOINT', value: storage.properties.primaryEndpoints.queue }
        { name: 'RECOVERY_EVENTS_QUEUE', value: queueNames.RECOVERY_EVENTS_QUEUE }
        { name: 'LOCKOUT_EVENTS_QUEUE', value: queueNames.LOCKOUT_EVENTS_QUEUE }
        // Callers bring Entra ID tokens for the API's app registration (docs/callers.md).
        { name: 'CALLER_AUTH', value: 'entraToken' }
        { name: 'CALLER_TENANT_ID', value: tenant().tenantId }
        { name: 'CALLER_API_CLIENT_ID', value: apiClientId }
        { name: 'CALLER_API_APP_ID_URI', value: apiAppIdUri }
        { name: 'BREAK_GLASS_OBJECT_IDS', value: breakGlassObjectIds }
        { name: 'PROTECTED_GROUP_IDS', value: protectedGroupIds }
        // The host resolves %…_SCHEDULE% placeholders at startup and refuses to start without them.
        { name: 'DETECT_LOCKOUTS_SCHEDULE', value: '0 */5 * * * *' }
        { name: 'RESTORE_SUSPENDED_MFA_SCHEDULE', value: '0 * * * * *' }
        { name: 'MARK_ABANDONED_ATTEMPTS_SCHEDULE', value: '0 */15 * * * *' }
        { name: 'SCAN_REGISTRATION_SCHEDULE', value: '0 30 2 * * *' }
        // Microsoft's own SMS and voice end on 1 February 2027 (docs/registration.md); `custom` when the tenant has its own provider.
        { name: 'TELEPHONY_PROVIDER', value: 'microsoft' }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 }
      runtime: { name: 'node', version: '22' }
    }
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor]: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource metricsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

output functionAppName string = functionApp.name
output apiBaseUrl string = 'https://${functionApp.properties.defaultHostName}/api'
output identityPrincipalId string = identity.properties.principalId
output storageAccountName string = storage.name
output appInsightsName string = insights.name
