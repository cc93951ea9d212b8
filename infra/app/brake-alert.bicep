// Tells someone when the brake engages: the app stopped recovery writes because too many users were
// acted on too quickly (docs/limits.md). An admin releases it once they know why.
param location string
param tags object
param resourceToken string
param appInsightsName string
@description('Email for the alert (empty: the rule fires in the portal only).')
param alertEmail string = ''

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-mfa-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'mfa-brake'
    enabled: true
    emailReceivers: [{ name: 'owner', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

resource brakeEngaged 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-mfa-brake-${resourceToken}'
  location: location
  tags: tags
  properties: {
    displayName: 'mfa-recovery: brake engaged'
    description: 'The brake stopped recovery writes. Find out why before an admin releases it.'
    severity: 1
    enabled: true
    scopes: [insights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'customEvents | where name == "mfa-recovery.brake_engaged"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
  }
}
