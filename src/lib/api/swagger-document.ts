import { type ApiSecurity, FUNCTION_KEY_HEADER, securitySchemeName, tokenUrl } from './api-security';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';

/*
 * Swagger 2.0 for custom connectors, which take 2.0 only. It is converted from the OpenAPI 3.1
 * document rather than generated again, so both come from the same zod schemas and the same
 * catalogue walk: zod-to-openapi makes 3.x only, and the 3.1 → 2.0 step for the small subset that
 * document uses (JSON bodies, path/query/header parameters, one shared component) is short.
 * Keywords 2.0 lacks are mapped (`const` → `enum`, a nullable type → `x-nullable`) or, for
 * `anyOf`/`oneOf` that are not just "X or null", widened to an untyped schema.
 */

export type Json = Record<string, unknown>;
export type SwaggerDocument = Json & { swagger: '2.0'; paths: Record<string, Record<string, Json>> };

const DROPPED_KEYWORDS = new Set([
  '$schema',
  '$id',
  '$defs',
  'id',
  'propertyNames',
  'prefixItems',
  'unevaluatedProperties',
  'contentEncoding',
  'contentMediaType',
  'if',
  'then',
  'else',
  'not',
  'dependentRequired',
  'dependentSchemas',
  'examples',
]);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One JSON Schema (3.1 dialect) as a Swagger 2.0 Schema Object. */
export function toSwaggerSchema(schema: unknown): Json {
  if (!isObject(schema)) return {};
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    if (key === '$ref' && typeof value === 'string')
      out.$ref = value.replace('#/components/schemas/', '#/definitions/');
    else if (key === 'properties' && isObject(value))
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, toSwaggerSchema(item)]),
      );
    else if (key === 'items' || (key === 'additionalProperties' && isObject(value)))
      out[key] = toSwaggerSchema(value);
    else if (key === 'const') out.enum = [value];
    else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((type) => type !== 'null');
      if (types.length === 1) out.type = types[0];
      if (types.length < value.length) out['x-nullable'] = true;
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf')
      Object.assign(out, mergeBranches(key, value));
    else out[key] = value;
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) out.example = schema.examples[0];
  return out;
}

/** `X or null` becomes X with `x-nullable`; `allOf` merges; any other union is left untyped (any JSON). */
function mergeBranches(keyword: string, branches: unknown): Json {
  const all = (Array.isArray(branches) ? branches : []).filter(isObject);
  const nonNull = all.filter((branch) => branch.type !== 'null');
  if (keyword === 'allOf') return Object.assign({}, ...nonNull.map(toSwaggerSchema)) as Json;
  const nullable = nonNull.length < all.length ? { 'x-nullable': true } : {};
  if (nonNull.length === 1) return { ...toSwaggerSchema(nonNull[0]), ...nullable };
  return nullable;
}

const PARAMETER_KEYWORDS = [
  'type',
  'format',
  'items',
  'enum',
  'default',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
];

/** A 3.1 path, query or header parameter: its schema's keywords move onto the parameter itself. */
function toSwaggerParameter(parameter: Json): Json {
  const schema = toSwaggerSchema(parameter.schema);
  const out: Json = { name: parameter.name, in: parameter.in, required: parameter.required === true };
  const description = parameter.description ?? schema.description;
  if (description !== undefined) out.description = description;
  for (const keyword of PARAMETER_KEYWORDS) if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
  out.type ??= 'string';
  return out;
}

function toSwaggerHeaders(headers: unknown): Json | undefined {
  if (!isObject(headers)) return undefined;
  return Object.fromEntries(
    Object.entries(headers).map(([name, header]) => {
      // A 2.0 header object is a parameter without its name, place and required flag.
      const rest = toSwaggerParameter({ ...(header as Json), name, in: 'header' });
      delete rest.name;
      delete rest.in;
      delete rest.required;
      return [name, rest];
    }),
  );
}

function toSwaggerResponse(response: Json): Json {
  const out: Json = { description: response.description };
  const content = isObject(response.content) ? Object.entries(response.content) : [];
  const [mediaType, media] = content[0] ?? [];
  if (isObject(media)) {
    out.schema = toSwaggerSchema(media.schema);
    const examples = isObject(media.examples) ? Object.values(media.examples).filter(isObject) : [];
    const example = media.example ?? examples[0]?.value;
    if (example !== undefined && mediaType) out.examples = { [mediaType]: example };
  }
  const headers = toSwaggerHeaders(response.headers);
  if (headers) out.headers = headers;
  return out;
}

/** The media types of the 2xx answers of a 3.1 operation. */
function successMediaTypes(responses: unknown): string[] {
  return Object.entries(isObject(responses) ? responses : {})
    .filter(([status]) => status.startsWith('2'))
    .flatMap(([, response]) =>
      isObject(response) && isObject(response.content) ? Object.keys(response.content) : [],
    );
}

function toSwaggerOperation(operation: Json): Json {
  const { parameters, requestBody, responses, ...rest } = operation;
  const converted: Json[] = (Array.isArray(parameters) ? parameters : [])
    .filter(isObject)
    .map(toSwaggerParameter);
  if (isObject(requestBody) && isObject(requestBody.content)) {
    const media = requestBody.content['application/json'];
    if (isObject(media)) {
      const schema = toSwaggerSchema(media.schema);
      if (media.example !== undefined) schema.example = media.example;
      converted.push({ name: 'body', in: 'body', required: requestBody.required === true, schema });
    }
  }
  const produces = successMediaTypes(responses);
  return {
    ...rest,
    // A page or a page's file: 2.0 names what an operation answers on the operation.
    ...(produces.some((mediaType) => mediaType !== 'application/json')
      ? { produces: [...produces, 'application/problem+json'] }
      : {}),
    ...(converted.length > 0 ? { parameters: converted } : {}),
    responses: Object.fromEntries(
      Object.entries(isObject(responses) ? responses : {}).map(([status, response]) => [
        status,
        toSwaggerResponse(response as Json),
      ]),
    ),
  };
}

/** Swagger 2.0 has no bearer scheme: an Entra token is described as OAuth2's client-credentials (`application`) flow. */
export function swaggerSecurityDefinition(security: ApiSecurity): Json {
  if (security.mode === 'functionKey') {
    return {
      type: 'apiKey',
      in: 'header',
      name: FUNCTION_KEY_HEADER,
      description: 'A function key of the app.',
    };
  }
  return {
    type: 'oauth2',
    flow: 'application',
    tokenUrl: tokenUrl(security.tenantId),
    scopes: { [`${security.appIdUri}/.default`]: "The app roles granted to the caller's application." },
    description: 'An Entra access token whose roles claim holds the caller app roles.',
  };
}

/** Swagger 2.0 from an OpenAPI 3.1 document this app generated (the subset it uses). */
export function toSwaggerDocument(document: OpenApiDocument, security: ApiSecurity): SwaggerDocument {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    paths[path] = Object.fromEntries(
      Object.entries(item as Json)
        .filter(([, operation]) => isObject(operation))
        .map(([method, operation]) => [method, toSwaggerOperation(operation as Json)]),
    );
  }
  return {
    swagger: '2.0',
    info: { ...document.info },
    basePath: '/api',
    schemes: ['https'],
    consumes: ['application/json'],
    produces: ['application/json', 'application/problem+json'],
    paths,
    definitions: Object.fromEntries(
      Object.entries(document.components?.schemas ?? {}).map(([name, schema]) => [
        name,
        toSwaggerSchema(schema),
      ]),
    ),
    securityDefinitions: { [securitySchemeName(security)]: swaggerSecurityDefinition(security) },
  };
}

/** The Swagger 2.0 description of every operation in the catalogue, for the configured caller mode. */
export const buildSwaggerDocument = (security: ApiSecurity = { mode: 'functionKey' }): SwaggerDocument =>
  toSwaggerDocument(buildOpenApiDocument(security), security);
