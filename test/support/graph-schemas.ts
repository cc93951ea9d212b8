import { graphOpenApiValidator } from '../../local/graph/openapi-validator';

/** Microsoft's v1.0 OpenAPI subset, to check the simulator's answers against. */
export const v1Schemas = graphOpenApiValidator('v1.0');

/** What the subset's ODataError schema finds wrong with an error body (none: []). */
export const odataErrorProblems = (body: unknown) =>
  v1Schemas.validateSchema('microsoft.graph.ODataErrors.ODataError', body).errors;
