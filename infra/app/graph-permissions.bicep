// Grants the managed identity its Microsoft Graph application permissions (app roles). The
// deploying user needs the right to grant app roles (Privileged Role Administrator or equal).
extension microsoftGraphV1

param principalId string
param appRoles array

resource graph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: '00000003-0000-0000-c000-000000000000'
}

resource grants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for role in appRoles: {
    principalId: principalId
    resourceId: graph.id
    appRoleId: filter(graph.appRoles, appRole => appRole.value == role)[0].id
  }
]
