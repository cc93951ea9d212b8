import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { graphErrorBody, GraphErrors } from '../errors';
import type { GraphRequest, GraphResponse, HandlerResult } from '../messages';
import { ok } from '../messages';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { ERROR_JSON } from '../response';
import type { RouteContext, RouteDefinition } from '../router';

/** JSON batching rules: https://learn.microsoft.com/en-us/graph/json-batching. */
export const MAX_BATCH_STEPS = 20;

const BatchStepSchema = z.object({
  id: z.string().min(1),
  method: z.string().min(1),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).optional(),
});

const BatchRequestSchema = z.object({ requests: z.array(BatchStepSchema) });

type BatchStep = z.infer<typeof BatchStepSchema>;

interface BatchStepResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const badBatch = (message: string) => GraphErrors.malformedBody(message);
const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * Methods that must carry `body` and a `Content-Type` header in a batch. The JSON batching page's
 * example sends a POST with `"body": {}` and `Content-Type` ("only body can be an empty object")
 * and a bare DELETE, which Graph runs (its 403 is in the example response; bare DELETE steps also
 * ran in [obs] microsoftgraph/microsoft-graph-docs#18715). PUT is inferred as a write.
 */
const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT']);

/** The write-step rule of https://learn.microsoft.com/en-us/graph/json-batching: refuses the whole batch. */
function writeStepProblem(step: BatchStep): HandlerResult | undefined {
  const hasContentType = Object.keys(step.headers ?? {}).some(
    (name) => name.toLowerCase() === 'content-type',
  );
  // [obs] Softeria/ms-365-mcp-server#677: a body without Content-Type.
  if (step.body !== undefined && !hasContentType) {
    return badBatch(`Write request with id '${step.id}' does not contain a Content-Type header.`);
  }
  // [obs] microsoftgraph/microsoft-graph-docs#6682 (revokeSignInSessions without body or headers),
  // microsoftgraph/msgraph-sdk-dotnet#2628 (message send): whole batch 400 BadRequest.
  if (WRITE_METHODS.has(step.method.toUpperCase()) && (step.body === undefined || !hasContentType)) {
    return badBatch(`Write request id : ${step.id} does not contain Content-Type header or body.`);
  }
  return undefined;
}

/** Finds what makes a batch malformed (whole batch 400), or undefined. Messages marked [obs] were seen from Graph. */
function batchProblem(steps: readonly BatchStep[]): HandlerResult | undefined {
  // [obs] vgrem/office365-rest-python-client#835
  if (steps.length > MAX_BATCH_STEPS) return badBatch('Number of requests inside batch exceed the limit.');
  const ids = new Set<string>();
  for (const step of steps) {
    const id = step.id.toLowerCase();
    // [obs] microsoftgraph/msgraph-sdk-java#559: ids are compared case-insensitively.
    if (ids.has(id)) return badBatch(`Request Id ${step.id} has to be unique in a batch.`);
    ids.add(id);
  }
  const earlier = new Set<string>();
  for (const step of steps) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(step.url)) {
      return badBatch(
        `Request ${step.id}: the url must be relative to the batch's version, e.g. /users/{id}.`,
      );
    }
    const problem = writeStepProblem(step);
    if (problem !== undefined) return problem;
    // [obs] msgraph-sdk-dotnet-core#891: a dependency must come earlier in the array ("Invalid
    // dependency for request Id..."; the rest of the message inferred). So dependsOn can't loop.
    if ((step.dependsOn ?? []).some((dependency) => !earlier.has(dependency.toLowerCase()))) {
      return badBatch(`Invalid dependency for request Id ${step.id}.`);
    }
    earlier.add(step.id.toLowerCase());
  }
  // [obs] microsoft-graph-docs#16280: the doc's old sample (1, 2→1, 3, 4→2: two independent
  // requests beside dependent ones) is refused; a chain, or several requests depending on one
  // (the doc and its known issues), pass.
  const dependent = steps.some((step) => (step.dependsOn ?? []).length > 0);
  const independent = steps.filter((step) => (step.dependsOn ?? []).length === 0).length;
  if (dependent && independent > 1)
    return badBatch('Batch should be either fully sequential or fully parallel.');
  return undefined;
}

function stepRequest(step: BatchStep, context: RouteContext): GraphRequest {
  const relative = step.url.startsWith('/') ? step.url : `/${step.url}`;
  // Resolved against a dummy origin only to split path and query; the path stays encoded as sent.
  const url = new URL(relative, 'https://graph.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.headers ?? {})) headers[name.toLowerCase()] = value;
  // Steps run with the batch's credentials and correlation id.
  const outer = context.request.headers;
  if (outer.authorization !== undefined) headers.authorization = outer.authorization;
  if (headers['client-request-id'] === undefined && outer['client-request-id'] !== undefined) {
    headers['client-request-id'] = outer['client-request-id'];
  }
  // Steps are served on the batch's host (their @odata.nextLink points there).
  if (outer.host !== undefined) headers.host = outer.host;
  const body =
    step.body === undefined ? '' : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
  return {
    method: step.method.toUpperCase(),
    path: `/${context.version}${url.pathname}`,
    query: url.search.replace(/^\?/, ''),
    headers,
    body,
    batchStepId: step.id,
  };
}

/** Inner responses carry the payload headers, not the per-request ids (those are in error bodies). */
function stepResponse(id: string, response: GraphResponse): BatchStepResponse {
  const headers = Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !['request-id', 'client-request-id'].includes(name)),
  );
  return {
    id,
    status: response.status,
    headers,
    ...(response.body !== undefined ? { body: response.body } : {}),
  };
}

function failedDependency(step: BatchStep, dependency: string, context: RouteContext): BatchStepResponse {
  // Status per the doc; code and message inferred.
  const error = {
    kind: 'error',
    status: 424,
    code: 'FailedDependency',
    message: `Request ${dependency} failed.`,
  } as const;
  const requestId = randomUUID();
  const ids = { requestId, clientRequestId: context.request.headers['client-request-id'] || requestId };
  return {
    id: step.id,
    status: 424,
    headers: { 'Content-Type': ERROR_JSON },
    body: graphErrorBody(error, ids),
  };
}

async function runStep(
  step: BatchStep,
  dependencies: readonly { id: string; answer: Promise<BatchStepResponse> }[],
  context: RouteContext,
): Promise<BatchStepResponse> {
  for (const dependency of dependencies) {
    if (!isSuccess((await dependency.answer).status)) return failedDependency(step, dependency.id, context);
  }
  return stepResponse(step.id, await context.dispatch(stepRequest(step, context)));
}

/** POST /$batch: runs each step through the full pipeline, independent steps concurrently. */
export const batch: RouteDefinition = {
  method: 'POST',
  template: '/$batch',
  versions: GRAPH_VERSIONS,
  // The batch itself needs only a valid token; each step is authorized on its own.
  permissions: 'anyValidToken',
  // The payload's rules (and Graph's wording for them) are the JSON batching page's, below.
  ownBodySchema: true,
  async handle(context) {
    // Inferred wording: the doc says batches can't be nested.
    if (context.request.batchStepId !== undefined)
      return badBatch('Nested batch requests are not supported.');
    let payload: unknown;
    try {
      payload = JSON.parse(context.request.body);
    } catch {
      return badBatch('Invalid batch payload format.');
    }
    const parsed = BatchRequestSchema.safeParse(payload);
    if (!parsed.success) return badBatch('Invalid batch payload format.');
    const steps = parsed.data.requests;
    const problem = batchProblem(steps);
    if (problem !== undefined) return problem;

    // Each step starts once the steps it depends on have answered; steps without dependsOn start
    // at once and run concurrently, as Graph runs them ("allows the server to process requests in
    // the batch in the most efficient order"), so injected latency costs one wait, not one per
    // step. Dependencies come earlier in the array, so their runs exist when a dependant is set up.
    const running = new Map<string, Promise<BatchStepResponse>>();
    const answers: Promise<BatchStepResponse>[] = [];
    for (const step of steps) {
      const dependencies = (step.dependsOn ?? []).map((id) => ({
        id,
        answer: running.get(id.toLowerCase()) as Promise<BatchStepResponse>,
      }));
      const answer = runStep(step, dependencies, context);
      running.set(step.id.toLowerCase(), answer);
      answers.push(answer);
    }
    // Answered in request order (the doc allows any order; a fixed one keeps tests readable).
    const responses = await Promise.all(answers);
    return ok({ responses });
  },
};
