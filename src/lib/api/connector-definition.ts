import { API_TITLE, openApiPath } from './openapi-document';
import { API_OPERATIONS } from './operations';
import { buildSwaggerDocument, type Json, type SwaggerDocument } from './swagger-document';

/*
 * The custom connector (connector/): the Swagger 2.0 document reshaped to Microsoft's rules for
 * custom connectors (docs/api.md lists them with their sources). The host and the App ID URI are
 * placeholders the deployer replaces (connector/README.md).
 */

export const CONNECTOR_HOST_PLACEHOLDER = 'your-function-app.azurewebsites.net';
export const APP_ID_URI_PLACEHOLDER = 'api://your-api-client-id';
export const CONNECTOR_TITLE = API_TITLE;
const CONNECTOR_DESCRIPTION =
  'Gets people locked out of Microsoft Entra multifactor sign-in back in, with guards, approvals and an audit trail.';

/**
 * Web pages and their files, left out: a flow action answering a page is of no use to a maker
 * (`METHOD /path`).
 */
const PAGES = new Set(
  API_OPERATIONS.filter((operation) => operation.page).map(
    (operation) => `${operation.method} ${openApiPath(operation.route)}`,
  ),
);

/** Parameters a maker rarely sets: shown under "advanced" in the designer. */
export const RARELY_USED_PARAMETERS = new Set([
  'Approval-Id',
  'x-correlation-id',
  'continuationToken',
  'limit',
  'since',
  'dryRun',
  'startDateTime',
  'reason',
]);

export const pascalCase = (camel: string) => camel.charAt(0).toUpperCase() + camel.slice(1);

/** `continuationToken` → "Continuation Token", `x-correlation-id` → "X Correlation Id" (title case, as Microsoft recommends). */
export function titleOf(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every property gets a title (`x-ms-summary`) and every description ends as a sentence. */
function connectorSchema(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const out: Json = { ...schema };
  if (typeof out.description === 'string') out.description = sentence(out.description);
  if (isObject(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([name, property]) => {
        const converted = connectorSchema(property) as Json;
        return [
          name,
          {
            ...converted,
            'x-ms-summary': titleOf(name),
            ...(RARELY_USED_PARAMETERS.has(name) ? { 'x-ms-visibility': 'advanced' } : {}),
          },
        ];
      }),
    );
  }
  if (out.items !== undefined) out.items = connectorSchema(out.items);
  if (isObject(out.additionalProperties))
    out.additionalProperties = connectorSchema(out.additionalProperties);
  return out;
}

function connectorParameter(parameter: Json): Json {
  const out: Json = {
    ...parameter,
    'x-ms-summary': titleOf(String(parameter.name)),
    description: sentence(
      typeof parameter.description === 'string' ? parameter.description : titleOf(String(parameter.name)),
    ),
  };
  if (RARELY_USED_PARAMETERS.has(String(parameter.name))) out['x-ms-visibility'] = 'advanced';
  if (parameter.schema !== undefined) out.schema = connectorSchema(parameter.schema);
  return out;
}

function connectorOperation(operation: Json): Json {
  const parameters = Array.isArray(operation.parameters) ? (operation.parameters as Json[]) : [];
  const responses = isObject(operation.responses) ? operation.responses : {};
  return {
    ...operation,
    operationId: pascalCase(String(operation.operationId)),
    description: sentence(String(operation.description ?? operation.summary)),
    ...(parameters.length > 0 ? { parameters: parameters.map(connectorParameter) } : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => {
        const { schema, headers, ...rest } = response as Json;
        return [
          status,
          {
            ...rest,
            description: sentence(String(rest.description)),
            ...(schema === undefined ? {} : { schema: connectorSchema(schema) }),
            ...(isObject(headers)
              ? {
                  headers: Object.fromEntries(
                    Object.entries(headers).map(([name, header]) => [
                      name,
                      { ...(header as Json), 'x-ms-summary': titleOf(name) },
                    ]),
                  ),
                }
              : {}),
          },
        ];
      }),
    ),
  };
}

/**
 * connector/apiDefinition.swagger.json. Entra sign-in as custom connectors do it: OAuth2's
 * authorization-code flow against Entra, the connection's token issued for the API's App ID URI
 * (apiProperties.json's `resourceUri`).
 */
export function buildConnectorDefinition(): SwaggerDocument {
  const swagger = buildSwaggerDocument({
    mode: 'entraToken',
    tenantId: 'common',
    appIdUri: APP_ID_URI_PLACEHOLDER,
  });
  const paths = Object.fromEntries(
    Object.entries(swagger.paths)
      .map(([path, item]): [string, Record<string, Json>] => [
        path,
        Object.fromEntries(
          Object.entries(item)
            .filter(([method]) => !PAGES.has(`${method.toUpperCase()} ${path}`))
            .map(([method, operation]) => [method, connectorOperation(operation)]),
        ),
      ])
      .filter(([, item]) => Object.keys(item).length > 0),
  );
  return {
    ...swagger,
    info: { ...(swagger.info as Json), title: CONNECTOR_TITLE, description: CONNECTOR_DESCRIPTION },
    host: CONNECTOR_HOST_PLACEHOLDER,
    paths,
    definitions: Object.fromEntries(
      Object.entries(swagger.definitions as Json).map(([name, schema]) => [name, connectorSchema(schema)]),
    ),
    securityDefinitions: {
      entraToken: {
        type: 'oauth2',
        flow: 'accessCode',
        authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/authorize',
        tokenUrl: 'https://login.microsoftonline.com/common/oauth2/token',
        scopes: {},
      },
    },
  };
}

/** connector/apiProperties.json: the connection signs in with Entra (`aad`) for the API's App ID URI. */
export function buildConnectorProperties(): Json {
  return {
    properties: {
      connectionParameters: {
        token: {
          type: 'oauthSetting',
          oAuthSettings: {
            identityProvider: 'aad',
            clientId: 'your-connector-client-id',
            scopes: [],
            redirectMode: 'GlobalPerConnector',
            properties: { IsFirstParty: 'False', AzureActiveDirectoryResourceId: APP_ID_URI_PLACEHOLDER },
            customParameters: {
              loginUri: { value: 'https://login.microsoftonline.com' },
              tenantId: { value: 'common' },
              resourceUri: { value: APP_ID_URI_PLACEHOLDER },
              enableOnbehalfOfLogin: { value: 'false' },
            },
          },
        },
      },
      iconBrandColor: '#0078d4',
      capabilities: [],
      publisher: 'mfa-recovery',
      stackOwner: 'mfa-recovery',
    },
  };
}

/** The files `npm run connector` writes, as they are committed. */
export const connectorFiles = (): Record<string, string> => ({
  'apiDefinition.swagger.json': `${JSON.stringify(buildConnectorDefinition(), null, 2)}\n`,
  'apiProperties.json': `${JSON.stringify(buildConnectorProperties(), null, 2)}\n`,
});
