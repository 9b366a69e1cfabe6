// Panel for one safeguarding partnership: the bot's identity, its web app, the Azure Bot
// and its Teams channel, Cosmos DB, Key Vault and monitoring, in one resource group.
// Deploy: docs/deploy.md. Tests: tests/infra.test.ts (as text; no Bicep compiler there).
targetScope = 'resourceGroup'

// ---- Parameters ----

@description('Short lowercase name for this partnership\'s resources: letters, digits and hyphens, starting with a letter.')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('Region for everything but the Azure Bot.')
param location string = resourceGroup().location

@description('Where the Azure Bot keeps its data: global, or a regional bot (data residency in Europe, the US or India).')
@allowed([
  'global'
  'westeurope'
  'westus'
  'centralindia'
])
param botLocation string = 'global'

@description('UserAssignedMSI: the bot signs in as the managed identity made here, no secret. SingleTenant: an existing app registration (botAppId) and its client secret (botPassword).')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botType string = 'UserAssignedMSI'

@description('SingleTenant only: the app registration\'s application (client) id. Ignored for UserAssignedMSI.')
param botAppId string = ''

@description('SingleTenant only: the app registration\'s client secret, stored in Key Vault. Pass it on the first deployment and to rotate; left empty, the stored secret is kept.')
@secure()
param botPassword string = ''

@description('The partnership\'s Microsoft Entra tenant (BOT_TENANT_ID). With UserAssignedMSI it must be this subscription\'s tenant.')
param tenantId string = tenant().tenantId

@description('Other tenants whose activities Panel accepts (BOT_ALLOWED_TENANTS), comma-separated tenant ids; empty for none.')
param botAllowedTenants string = ''

@description('Azure Bot pricing tier. Teams is a standard channel, free on F0.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Display name of the Azure Bot resource.')
param botDisplayName string = 'Panel'

@description('serverless (pay per request; suits a partnership\'s volume) or autoscale (provisioned throughput shared by the database). Fixed when the account is created.')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosCapacityMode string = 'serverless'

@description('autoscale only: the database\'s maximum RU/s (it scales between a tenth of this and this).')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('The Cosmos DB database (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'panel'

@description('App Service Linux runtime.')
@allowed([
  'NODE|22-lts'
  'NODE|24-lts'
])
param nodeVersion string = 'NODE|22-lts'

@description('App Service plan size. Always On needs Basic or above.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'P0v3'
  'P1v3'
])
param appServicePlanSku string = 'B1'

@description('The partnership file (PARTNERSHIP_FILE), relative to the deployed app\'s folder (/home/site/wwwroot) or absolute.')
param partnershipFile string

@description('Panel\'s log level (LOG_LEVEL).')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

@description('true: App Service installs the npm packages and runs npm run build on each zip deploy. false: deploy an already built zip.')
param buildOnServer bool = true

@description('Tags for every resource.')
param tags object = {}

// ---- Names and constants ----

var isMsi = botType == 'UserAssignedMSI'
var isSingleTenant = botType == 'SingleTenant'
var isServerless = cosmosCapacityMode == 'serverless'
var suffix = take(uniqueString(resourceGroup().id, namePrefix), 6)
var names = {
  identity: '${namePrefix}-id'
  plan: '${namePrefix}-plan'
  app: '${namePrefix}-app-${suffix}'
  bot: '${namePrefix}-bot-${suffix}'
  cosmos: '${namePrefix}-cosmos-${suffix}'
  vault: '${namePrefix}-kv-${suffix}'
  workspace: '${namePrefix}-logs'
  insights: '${namePrefix}-insights'
}
var botPasswordSecretName = 'bot-password'
// Built-in role ids: Cosmos DB Built-in Data Contributor (data plane) and Key Vault Secrets User.
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
// The bot's Microsoft App ID: the managed identity's client id, or the app registration's.
var botMsaAppId = isMsi ? panelIdentity.properties.clientId : botAppId

// ---- Identity ----

resource panelIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

// ---- Monitoring ----

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.workspace
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.insights
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// ---- Cosmos DB for NoSQL ----

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: names.cosmos
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: isServerless ? [{ name: 'EnableServerless' }] : []
    // Microsoft Entra ID only: no account keys, so COSMOS_KEY is never set.
    disableLocalAuth: true
    // Databases and containers change through Azure Resource Manager (this template) only.
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: cosmos
  name: cosmosDatabaseName
  properties: {
    resource: {
      id: cosmosDatabaseName
    }
    options: isServerless ? {} : { autoscaleSettings: { maxThroughput: cosmosAutoscaleMaxThroughput } }
  }
}

// Made here because Panel's identity has a data-plane role only and cannot create them.
// Partition keys, indexing and TTL match storage/cosmos-containers.ts: a differing
// indexing policy makes Panel warn at start-up that it may not replace it.
resource casesContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'cases'
  properties: {
    resource: {
      id: 'cases'
      partitionKey: {
        paths: ['/caseId']
        kind: 'Hash'
      }
      // Personal data is never queried, so it is not indexed.
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          { path: '/*' }
        ]
        excludedPaths: [
          { path: '/referral/*' }
          { path: '/doc/*' }
          { path: '/panel/*' }
          { path: '/hold/*' }
          { path: '/effects/*' }
          { path: '/plan/*' }
          { path: '/meetings/*' }
          { path: '/family/*' }
          { path: '/recommendations/*' }
          { path: '/notPublished/*' }
          { path: '/"_etag"/?' }
        ]
      }
      // TTL on, with no default. Panel gives no item a ttl: the nightly purge deletes, leaving a tombstone.
      defaultTtl: -1
    }
  }
}

resource metaContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'meta'
  properties: {
    resource: {
      id: 'meta'
      partitionKey: {
        paths: ['/pk']
        kind: 'Hash'
      }
    }
  }
}

resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, panelIdentity.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: panelIdentity.properties.principalId
    scope: cosmos.id
  }
}

// ---- Key Vault ----

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.vault
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

// Written only when a password is passed, so a later deployment without one keeps it.
resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (isSingleTenant && !empty(botPassword)) {
  parent: vault
  name: botPasswordSecretName
  properties: {
    value: botPassword
    contentType: 'client secret of the bot app registration'
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, panelIdentity.id, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: panelIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- App Service ----

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: names.plan
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServicePlanSku
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: names.app
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${panelIdentity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references (BOT_PASSWORD) are read as the user-assigned identity.
    keyVaultReferenceIdentity: panelIdentity.id
    siteConfig: {
      linuxFxVersion: nodeVersion
      appCommandLine: 'npm start'
      // Panel's scheduler sends reminders from inside the process: it must not idle out.
      alwaysOn: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      healthCheckPath: '/healthz'
    }
  }
}

// Panel's settings (bot/config.ts). PORT is not set: App Service sets it, and Panel reads it.
var appSettingsBase = {
  NODE_ENV: 'production'
  BOT_ID: botMsaAppId
  BOT_TYPE: botType
  BOT_TENANT_ID: tenantId
  BOT_ALLOWED_TENANTS: botAllowedTenants
  // DefaultAzureCredential picks a user-assigned identity only when told its client id.
  AZURE_CLIENT_ID: panelIdentity.properties.clientId
  STORE: 'cosmos'
  COSMOS_ENDPOINT: cosmos.properties.documentEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  PARTNERSHIP_FILE: partnershipFile
  LOG_LEVEL: logLevel
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  SCM_DO_BUILD_DURING_DEPLOYMENT: buildOnServer ? 'true' : 'false'
}
var botPasswordReference = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${botPasswordSecretName})'
var appSettingsBotPassword = isSingleTenant ? { BOT_PASSWORD: botPasswordReference } : {}
// The server-side build runs with these settings: NODE_ENV=production alone would make
// npm install skip the devDependencies that npm run build needs (TypeScript).
var appSettingsBuild = buildOnServer ? { NPM_CONFIG_INCLUDE: 'dev' } : {}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettingsBase, appSettingsBotPassword, appSettingsBuild)
  dependsOn: [
    vaultSecretsUser
    cosmosDataContributor
    botPasswordSecret
    casesContainer
    metaContainer
  ]
}

// ---- Azure Bot and its Teams channel ----

var botPropertiesBase = {
  displayName: botDisplayName
  endpoint: 'https://${app.properties.defaultHostName}/api/messages'
  msaAppType: botType
  msaAppId: botMsaAppId
  msaAppTenantId: tenantId
}
var botPropertiesMsi = isMsi ? { msaAppMSIResourceId: panelIdentity.id } : {}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: names.bot
  location: botLocation
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: union(botPropertiesBase, botPropertiesMsi)
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: botLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// ---- Diagnostic settings: everything to the workspace ----

resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceAppLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
    metrics: [
      { category: 'AllMetrics', enabled: true }
    ]
  }
}

resource cosmosDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: cosmos
  properties: {
    workspaceId: workspace.id
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      { category: 'DataPlaneRequests', enabled: true }
      { category: 'ControlPlaneRequests', enabled: true }
    ]
    metrics: [
      { category: 'Requests', enabled: true }
    ]
  }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AuditEvent', enabled: true }
    ]
    metrics: [
      { category: 'AllMetrics', enabled: true }
    ]
  }
}

// ---- Outputs ----
// In upper snake case: the Agents Toolkit (m365agents.yml) writes each output to env/.env.<name>
// under its name upper-cased, and reads BOT_ID and AZURE_APP_SERVICE_RESOURCE_ID from there.

output APP_NAME string = app.name
output AZURE_APP_SERVICE_RESOURCE_ID string = app.id
output APP_URL string = 'https://${app.properties.defaultHostName}'
output BOT_ID string = botMsaAppId
output IDENTITY_CLIENT_ID string = panelIdentity.properties.clientId
output COSMOS_ENDPOINT string = cosmos.properties.documentEndpoint
output KEY_VAULT_NAME string = vault.name
