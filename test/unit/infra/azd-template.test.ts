import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import Ajv2019 from 'ajv/dist/2019';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { ROLES } from '../../../src/lib/auth/roles';
import { loadConfig } from '../../../src/lib/config';
import { graphPermissions } from '../../../src/lib/graph/graph-calls';
import { TABLES } from '../../../src/lib/storage/tables';
import {
  appSettings,
  declaredParams,
  moduleCalls,
  readRepoFile,
  REPO_ROOT,
  resourceBodies,
  stringArray,
} from '../../support/bicep-text';

// infra/ as text: no Bicep CLI runs here (.ci/run builds it where one is on PATH). What a deployment
// needs is taken from the code that will run: config.ts's schema, the Graph call inventory, roles.ts
// and tables.ts.

const BICEP_FILES = [
  'infra/main.bicep',
  ...readdirSync(path.join(REPO_ROOT, 'infra', 'app')).map((file) => `infra/app/${file}`),
];
const main = readRepoFile('infra/main.bicep');
const api = readRepoFile('infra/app/api.bicep');
const registration = readRepoFile('infra/app/api-registration.bicep');

/** Lands with the logicapp branch; until then only its call is checked. */
const LOGIC_APP_MODULE = 'logicapp/logicapp.bicep';

/** Whole-tenant takeover: none of these is ever granted, whatever the inventory says. */
const TIER_ZERO = [
  'UserAuthenticationMethod.ReadWrite.All',
  'Directory.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'AppRoleAssignment.ReadWrite.All',
  'Application.ReadWrite.All',
];

const GUID = '00000000-0000-4000-8000-000000000001';

/** What Azure puts in a setting's Bicep expression, for config.ts to parse as it will in Azure. */
function deployedValue(expression: string): string {
  const literal = /^'([^'$]*)'$/.exec(expression);
  if (literal) return literal[1] ?? '';
  const endpoint = /^storage\.properties\.primaryEndpoints\.(\w+)$/.exec(expression);
  if (endpoint) return `https://stmfa.${endpoint[1]}.core.windows.net/`;
  const queue = /^queueNames\.(\w+)$/.exec(expression);
  if (queue) {
    const value = new RegExp(`${queue[1]}: '([^']+)'`).exec(main)?.[1];
    if (value === undefined) throw new Error(`main.bicep's appQueues has no ${queue[1]}`);
    return value;
  }
  const known: Record<string, string> = {
    'identity.properties.clientId': GUID,
    'tenant().tenantId': GUID,
    apiClientId: GUID,
    apiAppIdUri: `api://${GUID}/mfa-recovery`,
    'insights.properties.ConnectionString': 'InstrumentationKey=x;IngestionEndpoint=https://x/',
    "'ClientId=${identity.properties.clientId};Authorization=AAD'": `ClientId=${GUID};Authorization=AAD`,
    // Tenant-specific lists, empty unless the deployer sets them (the app then warns once).
    breakGlassObjectIds: '',
    protectedGroupIds: '',
  };
  const value = known[expression];
  if (value === undefined) throw new Error(`no deployed value known for ${expression}`);
  return value;
}

const settings = appSettings(api);
const deployedEnvironment = Object.fromEntries(
  [...settings].map(([name, expression]) => [name, deployedValue(expression)]),
);

describe('azd files', () => {
  it('azure.yaml validates against the azd schema (the subset this project uses)', () => {
    const schema = JSON.parse(readRepoFile('test/fixtures/azd/azure-yaml.schema.json')) as object;
    const validate = new Ajv2019({ allErrors: true }).compile(schema);
    const azureYaml = parse(readRepoFile('azure.yaml')) as unknown;
    expect(validate(azureYaml), JSON.stringify(validate.errors)).toBe(true);
    expect(azureYaml).toMatchObject({
      infra: { path: 'infra', module: 'main' },
      services: { api: { host: 'function' } },
    });
    expect(validate({ name: 'Bad_Name', services: { api: { host: 'function' } } })).toBe(false);
  });

  it('main.parameters.json maps the azd environment onto every param main.bicep needs', () => {
    const parameters = (
      JSON.parse(readRepoFile('infra/main.parameters.json')) as {
        parameters: Record<string, { value: string }>;
      }
    ).parameters;
    expect(parameters).toMatchObject({
      environmentName: { value: '${AZURE_ENV_NAME}' },
      location: { value: '${AZURE_LOCATION}' },
      principalId: { value: '${AZURE_PRINCIPAL_ID}' },
    });
    const declared = declaredParams(main);
    expect(Object.keys(parameters).filter((name) => !declared.some((param) => param.name === name))).toEqual(
      [],
    );
    expect(declared.filter((param) => !param.hasDefault && !(param.name in parameters))).toEqual([]);
  });

  it('bicepconfig.json pins the Microsoft Graph extension every Graph file names', () => {
    const config = JSON.parse(readRepoFile('infra/bicepconfig.json')) as {
      extensions: Record<string, string>;
    };
    expect(config.extensions.microsoftGraphV1).toMatch(
      /^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:\d+\.\d+\.\d+$/,
    );
    for (const file of BICEP_FILES) {
      const text = readRepoFile(file);
      if (text.includes("'Microsoft.Graph/")) expect(text, file).toMatch(/^extension microsoftGraphV1$/m);
    }
  });
});

describe('modules', () => {
  it('every module path exists and gets exactly the params it declares (the Logic App module only once merged)', () => {
    for (const file of BICEP_FILES) {
      for (const call of moduleCalls(readRepoFile(file))) {
        const target = path.join(path.dirname(file), call.path);
        if (
          file === 'infra/main.bicep' &&
          call.path === LOGIC_APP_MODULE &&
          !existsSync(path.join(REPO_ROOT, target))
        )
          continue;
        expect(existsSync(path.join(REPO_ROOT, target)), `${file}: ${call.path}`).toBe(true);
        const declared = declaredParams(readRepoFile(target));
        expect(
          call.params.filter((name) => !declared.some((param) => param.name === name)),
          target,
        ).toEqual([]);
        expect(
          declared
            .filter((param) => !param.hasDefault && !call.params.includes(param.name))
            .map((param) => param.name),
          target,
        ).toEqual([]);
      }
    }
  });
});

describe('the Function App', () => {
  it('sets every setting config.ts requires, for identity-based storage and Entra ID callers', () => {
    const config = loadConfig(deployedEnvironment);
    expect(config.storage).toEqual({
      tableEndpoint: 'https://stmfa.table.core.windows.net/',
      queueEndpoint: 'https://stmfa.queue.core.windows.net/',
    });
    expect(config.identity).toEqual({ credential: 'managedIdentity', clientId: GUID });
    expect(config.callers.mode).toBe('entraToken');
  });

  it('sets every %SETTING% the triggers name (the host will not start without them)', () => {
    const functions = path.join(REPO_ROOT, 'src', 'functions');
    const placeholders = readdirSync(functions).flatMap((file) =>
      [...readRepoFile(`src/functions/${file}`).matchAll(/'%([A-Z0-9_]+)%'/g)].map((match) => match[1] ?? ''),
    );
    expect(placeholders.length).toBeGreaterThan(0);
    expect(placeholders.filter((name) => !settings.has(name))).toEqual([]);
  });

  it('sets nothing nobody reads (the app, the Functions host or the Application Insights agent)', () => {
    const source = readdirSync(path.join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readRepoFile(`src/${file}`))
      .join('\n');
    const readByPlatform = (name: string) => /^(AzureWebJobsStorage__|APPLICATIONINSIGHTS_)/.test(name);
    expect([...settings.keys()].filter((name) => !readByPlatform(name) && !source.includes(name))).toEqual(
      [],
    );
  });

  it('reaches storage with its identity: identity-based AzureWebJobsStorage, no shared key', () => {
    expect(settings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    for (const service of ['blob', 'queue', 'table'])
      expect(settings.get(`AzureWebJobsStorage__${service}ServiceUri`)).toBe(
        `storage.properties.primaryEndpoints.${service}`,
      );
    expect([...settings.keys()].filter((name) => /ConnectionString|AccountKey/i.test(name))).toEqual([]);
    const [storage] = resourceBodies(api, 'Microsoft.Storage/storageAccounts');
    expect(storage).toMatch(/^\s*allowSharedKeyAccess: false$/m);
  });

  it("grants the app's identity blob, queue and table data roles on its storage account", () => {
    // Built-in role ids: learn.microsoft.com/azure/role-based-access-control/built-in-roles
    expect(api).toMatch(/storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'/);
    expect(api).toMatch(/storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'/);
    expect(api).toMatch(/storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'/);
    expect(api).toMatch(
      /for roleId in \[storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor\]: \{\s+name: guid\(storage\.id, identity\.id, roleId\)\s+scope: storage/,
    );
  });

  it('runs on Flex Consumption, Node 22', () => {
    expect(resourceBodies(api, 'Microsoft.Web/serverfarms')[0]).toMatch(/tier: 'FlexConsumption'/);
    expect(resourceBodies(api, 'Microsoft.Web/sites')[0]).toMatch(
      /runtime: \{ name: 'node', version: '22' \}/,
    );
  });

  it('creates the tables and queues the app uses', () => {
    expect(stringArray(main, /var appTables/)).toEqual(Object.values(TABLES));
    const defaults = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).queues;
    expect(deployedValue('queueNames.RECOVERY_EVENTS_QUEUE')).toBe(defaults.recoveryEvents);
    expect(deployedValue('queueNames.LOCKOUT_EVENTS_QUEUE')).toBe(defaults.lockoutEvents);
  });

  it('logs with Entra ID only: Log Analytics and Application Insights have local auth disabled', () => {
    // ARM property names are case-insensitive; Microsoft.Insights/components spells it DisableLocalAuth.
    expect(resourceBodies(api, 'Microsoft.Insights/components')[0]).toMatch(/disableLocalAuth: true/i);
    expect(resourceBodies(api, 'Microsoft.OperationalInsights/workspaces')[0]).toMatch(
      /features: \{ disableLocalAuth: true \}/,
    );
  });
});

describe('permissions', () => {
  it('grants the managed identity exactly the Graph permissions of the call inventory', () => {
    expect(new Set(stringArray(main, /param graphAppRoles array/))).toEqual(new Set(graphPermissions()));
    const call = moduleCalls(main).find((candidate) => candidate.path === 'app/graph-permissions.bicep');
    expect(call?.body).toMatch(/appRoles: graphAppRoles$/m);
    // Graph's own service principal (appId 00000003-…) is named in one file: nothing else grants on it.
    expect(
      BICEP_FILES.filter((file) => readRepoFile(file).includes('00000003-0000-0000-c000-000000000000')),
    ).toEqual(['infra/app/graph-permissions.bicep']);
  });

  it('never grants a permission that takes over every account', () => {
    for (const file of BICEP_FILES) {
      const text = readRepoFile(file);
      expect(
        TIER_ZERO.filter((permission) => text.includes(permission)),
        file,
      ).toEqual([]);
    }
  });

  it("registers the API with roles.ts's app roles; person-only roles are not for applications", () => {
    expect(stringArray(registration, /var personOnlyRoles/)).toEqual([
      'Recovery.Privileged',
      'Recovery.Approve',
    ]);
    const roles = [...registration.matchAll(/\{ value: '([^']+)'/g)].map((match) => match[1]);
    expect(roles).toEqual([...ROLES]);
    expect(resourceBodies(registration, 'Microsoft.Graph/applications')[0]).toMatch(
      /identifierUris: \[appIdUri\]/,
    );
  });

  it("grants the Logic App's identity the API roles its chain needs and queue message processing", () => {
    const logicIdentity = readRepoFile('infra/app/logic-app-identity.bicep');
    expect(stringArray(logicIdentity, /var apiRoles/)).toEqual([
      'Recovery.Read',
      'Recovery.Reset',
      'Recovery.IssueTap',
    ]);
    // Storage Queue Data Message Processor (learn.microsoft.com/azure/role-based-access-control/built-in-roles)
    expect(logicIdentity).toMatch(
      /storageQueueDataMessageProcessor = '8a0f0c08-91a1-4084-bc3d-661d67233fed'/,
    );
  });
});

describe('the brake alert', () => {
  it('is a scheduled query on the brake event', () => {
    const [rule] = resourceBodies(
      readRepoFile('infra/app/brake-alert.bicep'),
      'Microsoft.Insights/scheduledQueryRules',
    );
    expect(rule).toContain(`query: 'customEvents | where name == "mfa-recovery.brake_engaged"'`);
    expect(rule).toMatch(/operator: 'GreaterThan'\s+threshold: 0/);
  });
});
