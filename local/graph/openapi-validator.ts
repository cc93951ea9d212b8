import { readFileSync } from 'node:fs';

import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';

import { GRAPH_FILES } from './files';

/**
 * Validates JSON responses (the tests) and request bodies (the simulator) against an OpenAPI 3.0 document (Microsoft's Graph subsets in
 * local/graph/openapi/). OpenAPI 3.0 is not JSON Schema, so each component schema is converted:
 * - `nullable: true` becomes a `null` alternative (also beside a `$ref`, where 3.0 ignores siblings);
 * - a `discriminator` on `@odata.type` becomes if/then branches, so an object is also checked
 *   against the schema its `@odata.type` names (otherwise a derived type's own properties would
 *   never be checked), and an `@odata.type` outside the mapping fails;
 * - with `strictProperties` (default), an object may carry only properties its type declares
 *   (plus OData annotations such as `@odata.context` or `x@odata.context`), unless the type is
 *   open (`additionalProperties: true`, as Graph's directory types are). This catches misspelled
 *   or wrong-version properties that plain OpenAPI validation lets through.
 * - CSDL-derived types keep no `required` list: CSDL marks properties non-nullable, but OData
 *   responses project them away (`$select`, default property sets), so absence is legal; the
 *   hand-written error schemas and inline operation schemas keep theirs.
 * Each schema exists twice: `<name>.core` (its own rules, used by the types that extend it
 * through allOf) and `<name>` (core + discriminator dispatch + the closed-properties rule, used
 * everywhere else). Splitting them keeps the dispatch from recursing into itself.
 */

type Schema = Record<string, unknown>;

interface OpenApiResponse {
  $ref?: string;
  content?: Record<string, { schema?: Schema }>;
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, OpenApiResponse>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, OpenApiResponse> };
}

export interface ResponseToValidate {
  method: string;
  /** Path below the version root, without query: `/users/abc/authentication/methods` or `/users('abc')`. */
  path: string;
  status: number;
  /** Parsed JSON body, or undefined when the response had none. */
  body: unknown;
}

export interface ValidationOutcome {
  valid: boolean;
  errors: string[];
  /** e.g. `GET /users/{user-id}`; undefined when no operation matches. */
  operation?: string;
  /** Which response entry was used. */
  responseKey?: string;
}

/** What is wrong with a request body, by top-level property (the first found of each kind). */
export interface RequestBodyCheck {
  /** The component the body is read as (`microsoft.graph.phoneAuthenticationMethod`), if any. */
  typeName?: string;
  /** A property the type does not declare, or any property of an action that takes none. */
  unknownProperty?: string;
  /** A declared property whose value has the wrong type, enum member or format. */
  mismatchedProperty?: string;
}

export interface OpenApiValidator {
  /** The operation template serving a concrete path, most literal match first. */
  findOperation(method: string, path: string): string | undefined;
  hasOperation(method: string, template: string): boolean;
  validateResponse(response: ResponseToValidate): ValidationOutcome;
  /** Validates a value against one component schema (e.g. `microsoft.graph.authenticationMethod`). */
  validateSchema(componentName: string, value: unknown): ValidationOutcome;
  /**
   * Checks a JSON object body against the operation's request schema (`{}` expected when the
   * operation declares none); undefined when the document has no such operation.
   */
  checkRequestBody(
    method: string,
    template: string,
    body: Record<string, unknown>,
  ): RequestBodyCheck | undefined;
}

export interface OpenApiValidatorOptions {
  strictProperties?: boolean;
}

const COPIED_KEYWORDS = [
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
] as const;

const SCHEMAS_PREFIX = '#/components/schemas/';
const ODATA_ANNOTATION = '@odata\\.[A-Za-z]+$';

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function componentName(ref: string): string {
  if (!ref.startsWith(SCHEMAS_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(SCHEMAS_PREFIX.length);
}

class SchemaConverter {
  readonly formats = new Set<string>();

  constructor(
    private readonly documentId: string,
    private readonly strict: boolean,
  ) {}

  entryRef(name: string): string {
    return `${this.documentId}#/$defs/${name}`;
  }

  coreRef(name: string): string {
    return `${this.documentId}#/$defs/${name}.core`;
  }

  /**
   * OpenAPI 3.0 schema → JSON Schema 2019-09. `asParent`: the schema is an allOf parent of another
   * type; `keepRequired`: honour `required` lists.
   */
  convert(schema: Schema, keepRequired: boolean, asParent = false): Schema {
    if (typeof schema.$ref === 'string') {
      const name = componentName(schema.$ref);
      const ref = { $ref: asParent ? this.coreRef(name) : this.entryRef(name) };
      return schema.nullable === true ? { anyOf: [ref, { type: 'null' }] } : ref;
    }
    const out: Schema = {};
    for (const keyword of COPIED_KEYWORDS) if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
    if (keepRequired && Array.isArray(schema.required)) out.required = schema.required;
    if (typeof schema.format === 'string') this.formats.add(schema.format);
    if (isObject(schema.properties)) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([key, value]) => [
          key,
          isObject(value) ? this.convert(value, keepRequired) : {},
        ]),
      );
    }
    if (isObject(schema.items)) out.items = this.convert(schema.items, keepRequired);
    if (typeof schema.additionalProperties === 'boolean')
      out.additionalProperties = schema.additionalProperties;
    if (isObject(schema.additionalProperties))
      out.additionalProperties = this.convert(schema.additionalProperties, keepRequired);
    for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
      const parts = schema[combinator];
      if (Array.isArray(parts)) {
        out[combinator] = parts
          .filter(isObject)
          .map((part) => this.convert(part, keepRequired, combinator === 'allOf'));
      }
    }
    if (schema.nullable === true) return this.nullable(out);
    return out;
  }

  private nullable(schema: Schema): Schema {
    if (typeof schema.type === 'string') {
      const withNull: Schema = { ...schema, type: [schema.type, 'null'] };
      if (Array.isArray(schema.enum)) withNull.enum = [...(schema.enum as unknown[]), null];
      return withNull;
    }
    return { anyOf: [schema, { type: 'null' }] };
  }

  /** The form used wherever a component is referenced from outside its own inheritance chain. */
  entry(name: string, schema: Schema): Schema {
    const parts: Schema[] = [{ $ref: this.coreRef(name) }];
    const discriminator = schema.discriminator;
    if (isObject(discriminator) && isObject(discriminator.mapping)) {
      const property = String(discriminator.propertyName);
      const mapping = Object.entries(discriminator.mapping).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      );
      const ownType = `#${name}`;
      parts.push({
        properties: { [property]: { enum: [...new Set([ownType, ...mapping.map(([value]) => value)])] } },
      });
      for (const [value, target] of mapping) {
        parts.push({
          if: { properties: { [property]: { const: value } }, required: [property] },
          then: { $ref: this.coreRef(componentName(target)) },
        });
      }
    }
    return this.closed(parts);
  }

  /** Wraps schemas so that, in strict mode, properties no part declares are rejected. */
  closed(parts: Schema[]): Schema {
    if (!this.strict) return parts.length === 1 ? (parts[0] ?? {}) : { allOf: parts };
    return { allOf: parts, patternProperties: { [ODATA_ANNOTATION]: {} }, unevaluatedProperties: false };
  }
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const extra =
    error.keyword === 'unevaluatedProperties' ? ` '${String(error.params.unevaluatedProperty)}'` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

function templateSegments(template: string): string[] {
  return template.split('/').filter((segment) => segment !== '');
}

/** `users('x')` → `users`, `x` (OData key-as-parentheses form). */
function requestSegments(requestPath: string): string[] {
  const segments: string[] = [];
  for (const raw of requestPath.split('/').filter((segment) => segment !== '')) {
    const keyed = /^([^(]+)\((.*)\)$/.exec(raw);
    if (keyed?.[1] !== undefined && keyed[2] !== undefined) segments.push(keyed[1], keyed[2]);
    else segments.push(raw);
  }
  return segments;
}

export function createOpenApiValidator(
  document: OpenApiDocument,
  options: OpenApiValidatorOptions = {},
): OpenApiValidator {
  const documentId = `urn:openapi:${Math.random().toString(36).slice(2)}`;
  const converter = new SchemaConverter(documentId, options.strictProperties ?? true);
  const defs: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    const csdlType = name.startsWith('microsoft.graph.') && !name.startsWith('microsoft.graph.ODataErrors.');
    defs[`${name}.core`] = converter.convert(schema, !csdlType);
    defs[name] = converter.entry(name, schema);
  }

  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats OpenAPI/Graph use that ajv-formats doesn't define (e.g. base64url): accept any string.
  for (const format of converter.formats) if (ajv.formats[format] === undefined) ajv.addFormat(format, true);
  ajv.addSchema({ $id: documentId, $defs: defs });

  const validators = new Map<string, ValidateFunction>();
  const compiled = (key: string, build: () => Schema): ValidateFunction => {
    let validate = validators.get(key);
    if (validate === undefined) {
      validate = ajv.compile(build());
      validators.set(key, validate);
    }
    return validate;
  };
  const run = (validate: ValidateFunction, value: unknown): string[] =>
    validate(value) ? [] : (validate.errors ?? []).map(describeError);

  const resolveResponse = (response: OpenApiResponse): OpenApiResponse => {
    if (response.$ref === undefined) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    const target = document.components.responses?.[name];
    if (target === undefined) throw new Error(`unknown response ${response.$ref}`);
    return target;
  };

  const findOperation = (method: string, requestPath: string): string | undefined => {
    const segments = requestSegments(requestPath);
    const lower = method.toLowerCase();
    return Object.keys(document.paths)
      .filter((template) => document.paths[template]?.[lower] !== undefined)
      .map((template) => ({ template, parts: templateSegments(template) }))
      .filter(
        ({ parts }) =>
          parts.length === segments.length &&
          parts.every((part, i) => part.startsWith('{') || part.toLowerCase() === segments[i]?.toLowerCase()),
      )
      .sort(
        (a, b) =>
          b.parts.filter((p) => !p.startsWith('{')).length - a.parts.filter((p) => !p.startsWith('{')).length,
      )
      .map(({ template }) => template)[0];
  };

  return {
    findOperation,
    hasOperation: (method, template) => document.paths[template]?.[method.toLowerCase()] !== undefined,

    validateResponse({ method, path: requestPath, status, body }) {
      const template = findOperation(method, requestPath);
      if (template === undefined) {
        return { valid: false, errors: [`no operation ${method} ${requestPath} in the document`] };
      }
      const operation = `${method.toUpperCase()} ${template}`;
      const responses = document.paths[template]?.[method.toLowerCase()]?.responses ?? {};
      const exact = responses[String(status)];
      // An error entry with only a description (no content) falls back to `default` for its body
      // schema; a success entry without content (204) means no body.
      const exactContent = exact === undefined ? undefined : resolveResponse(exact).content;
      const responseKey =
        exactContent !== undefined || responses.default === undefined || (exact !== undefined && status < 400)
          ? String(status)
          : 'default';
      const entry = responseKey === 'default' ? responses.default : exact;
      if (entry === undefined) {
        return {
          valid: false,
          errors: [`${operation} declares no response ${status} and no default`],
          operation,
        };
      }
      const schema = resolveResponse(entry).content?.['application/json']?.schema;
      if (schema === undefined) {
        const errors = body === undefined ? [] : [`${operation} ${responseKey} declares no JSON body`];
        return { valid: errors.length === 0, errors, operation, responseKey };
      }
      const validate = compiled(`${operation} ${responseKey}`, () =>
        converter.closed([converter.convert(schema, true)]),
      );
      const errors = run(validate, body);
      return { valid: errors.length === 0, errors, operation, responseKey };
    },

    checkRequestBody(method, template, body) {
      const operation = document.paths[template]?.[method.toLowerCase()];
      if (operation === undefined) return undefined;
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (schema === undefined) {
        const unknownProperty = Object.keys(body).find((name) => !new RegExp(ODATA_ANNOTATION).test(name));
        return unknownProperty === undefined ? {} : { unknownProperty };
      }
      const typeName = typeof schema.$ref === 'string' ? componentName(schema.$ref) : undefined;
      const validate = compiled(`request ${method.toUpperCase()} ${template}`, () =>
        converter.closed([converter.convert(schema, true)]),
      );
      if (validate(body)) return { ...(typeName ? { typeName } : {}) };
      const errors = validate.errors ?? [];
      const unknown = errors.find((error) => error.keyword === 'unevaluatedProperties');
      const mismatch = errors.find(
        (error) => error.keyword !== 'unevaluatedProperties' && error.instancePath !== '',
      );
      return {
        ...(typeName ? { typeName } : {}),
        ...(unknown ? { unknownProperty: String(unknown.params.unevaluatedProperty) } : {}),
        ...(mismatch
          ? { mismatchedProperty: decodeURIComponent(mismatch.instancePath.split('/')[1] ?? '') }
          : {}),
      };
    },

    validateSchema(name, value) {
      if (document.components.schemas[name] === undefined) {
        return { valid: false, errors: [`no component schema ${name}`] };
      }
      const errors = run(
        compiled(`schema ${name}`, () => ({ $ref: converter.entryRef(name) })),
        value,
      );
      return { valid: errors.length === 0, errors };
    },
  };
}

/** Validators for Microsoft's Graph OpenAPI subsets (local/graph/openapi/), one per API version. */
export function graphOpenApiValidator(
  version: 'v1.0' | 'beta',
  options: OpenApiValidatorOptions = {},
): OpenApiValidator {
  const file = GRAPH_FILES.openApi[version];
  return createOpenApiValidator(JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument, options);
}
