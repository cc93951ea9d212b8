import { GraphErrors } from './errors';
import type { GraphErrorSpec, GraphRequest } from './messages';
import type { GraphVersion } from './openapi-spec';
import { graphOpenApiValidator, type OpenApiValidator } from './openapi-validator';

const validators = new Map<GraphVersion, OpenApiValidator>();

function validatorFor(version: GraphVersion): OpenApiValidator {
  let validator = validators.get(version);
  if (validator === undefined) {
    validator = graphOpenApiValidator(version);
    validators.set(version, validator);
  }
  return validator;
}

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT']);

/**
 * Graph's OData layer reads a write's body against the operation's type before any handler runs:
 * names, types and enum members come from Microsoft's OpenAPI request schema for the path and
 * method. A body that isn't a JSON object is left to the route (its own wording); so are the rules
 * a schema can't state (required pairs, read-only properties, policy limits).
 */
export function requestBodyProblem(
  request: GraphRequest,
  version: GraphVersion,
  template: string,
): GraphErrorSpec | undefined {
  if (!WRITE_METHODS.has(request.method) || request.body.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const check = validatorFor(version).checkRequestBody(
    request.method,
    template,
    body as Record<string, unknown>,
  );
  if (check === undefined) return undefined;
  if (check.unknownProperty !== undefined) {
    if (check.typeName === undefined) {
      return GraphErrors.requestBodyRead(
        // An action without parameters (revokeSignInSessions, enableSmsSignIn): OData's wording, inferred.
        `The parameter '${check.unknownProperty}' in the request payload is not a valid parameter for the operation '${template.split('/').pop() ?? template}'.`,
      );
    }
    // [obs] microsoftgraph/msgraph-sdk-python#440 (microsoft.graph.message): 400 RequestBodyRead.
    return GraphErrors.requestBodyRead(
      `The property '${check.unknownProperty}' does not exist on type '${check.typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    );
  }
  if (check.mismatchedProperty !== undefined) {
    // [obs] microsoftgraph/microsoft-graph-docs#138 (a maintainer quoting Graph's answer to a
    // value of the wrong type): 400 BadRequest.
    return GraphErrors.malformedBody(
      `Property ${check.mismatchedProperty} in payload has a value that does not match schema.`,
    );
  }
  return undefined;
}
