import { type Client, GraphError, ResponseType } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { type GraphErrorDetails, parseErrorBody } from './error-body';
import { toAppError } from './errors';

/** Graph's JSON batching limit per request. */
export const MAX_BATCH_STEPS = 20;

export interface BatchStep {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the batch's version, e.g. `/users/{id}/authentication/methods`. */
  url: string;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  dependsOn?: [string];
}

export interface BatchStepResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface BatchOptions {
  version?: 'v1.0' | 'beta';
  clientRequestId: string;
  /** Epoch ms after which throttled steps are no longer retried. */
  deadline: number;
  /** Collects Graph's request-id of every batch sent, for the audit entry. */
  requestIds?: string[];
  /** Sleeps for a throttled step's Retry-After; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryAfterMs(headers: Record<string, string>): number {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after');
  const seconds = Number(entry?.[1]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

/**
 * Sends up to 20 steps as one JSON `$batch` and returns every step's own status (a batch answers
 * 200 even when each step failed). Steps Graph throttled (429 inside the batch) are re-sent after
 * their Retry-After while the deadline allows: the SDK's retry handler only sees the outer 200.
 */
export async function sendBatch(
  graph: Client,
  steps: BatchStep[],
  options: BatchOptions,
): Promise<Map<string, BatchStepResult>> {
  if (steps.length === 0) return new Map();
  if (steps.length > MAX_BATCH_STEPS)
    throw new RangeError(`A Graph batch holds at most ${MAX_BATCH_STEPS} steps.`);
  const sleep = options.sleep ?? defaultSleep;
  const results = new Map<string, BatchStepResult>();
  let pending = steps;
  while (pending.length > 0) {
    let answered: Map<string, BatchStepResult>;
    try {
      const roundTrip = await postBatch(graph, pending, options.clientRequestId, options.version);
      if (roundTrip.requestId) options.requestIds?.push(roundTrip.requestId);
      answered = roundTrip.value;
    } catch (error) {
      throw toAppError(error instanceof GraphRoundTripError ? roundTripError(error) : error);
    }
    const throttled: BatchStep[] = [];
    let waitMs = 0;
    for (const step of pending) {
      const result = answered.get(step.id) ?? { id: step.id, status: 500, headers: {}, body: undefined };
      results.set(step.id, result);
      if (result.status === 429) {
        throttled.push(step);
        waitMs = Math.max(waitMs, retryAfterMs(result.headers));
      }
    }
    if (throttled.length === 0 || Date.now() + waitMs >= options.deadline) break;
    await sleep(waitMs);
    // A re-sent step's dependency already ran in the earlier round.
    pending = throttled.map((step) =>
      step.dependsOn && !throttled.some((t) => t.id === step.dependsOn?.[0])
        ? { ...step, dependsOn: undefined }
        : step,
    );
  }
  return results;
}

const BatchResponseSchema = z.looseObject({
  responses: z.array(
    z.looseObject({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

/** A top-level Graph answer that isn't usable: a non-2xx status, or a body of the wrong shape. */
export class GraphRoundTripError extends Error {
  override readonly name = 'GraphRoundTripError';

  constructor(
    message: string,
    readonly details: { status: number; requestId?: string; code?: string; retryAfter?: string },
  ) {
    super(message);
  }
}

export interface RoundTrip<T> {
  /** Graph's request-id for this top-level request. */
  requestId: string | undefined;
  value: T;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function checked(response: Response, what: string): Promise<RoundTrip<unknown>> {
  const requestId = response.headers.get('request-id') ?? undefined;
  const body = await readJson(response);
  if (!response.ok) {
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    throw new GraphRoundTripError(`${what} answered ${response.status}`, {
      status: response.status,
      ...(requestId ? { requestId } : {}),
      ...(typeof code === 'string' ? { code } : {}),
      ...(response.headers.get('retry-after')
        ? { retryAfter: response.headers.get('retry-after') ?? '' }
        : {}),
    });
  }
  return { requestId, value: body };
}

/**
 * One JSON `$batch`, keeping the response's request-id for the audit entry. The SDK's retry handler
 * covers the outer request; each step's status is the caller's to check. A response that doesn't
 * answer every step exactly once is refused. Written here rather than with the SDK's
 * BatchRequestContent, which needs fetch `Request` objects with absolute URLs (cut back to a path
 * that still holds the version) and allows only three dependency shapes.
 */
export async function postBatch(
  graph: Client,
  steps: readonly BatchStep[],
  clientRequestId: string,
  version: 'v1.0' | 'beta' = 'v1.0',
): Promise<RoundTrip<Map<string, BatchStepResult>>> {
  if (steps.length === 0 || steps.length > MAX_BATCH_STEPS) {
    throw new RangeError(`A Graph batch holds 1 to ${MAX_BATCH_STEPS} steps.`);
  }
  const requests = steps.map((step) => {
    // Graph refuses the whole batch when a POST or PATCH step lacks `body` or a Content-Type
    // header, even for an action without parameters (`{}` is accepted); GET and DELETE go bare.
    const write = step.method === 'POST' || step.method === 'PATCH';
    const body = step.body ?? (write ? {} : undefined);
    return {
      id: step.id,
      method: step.method,
      url: step.url,
      ...(body === undefined
        ? step.headers
          ? { headers: step.headers }
          : {}
        : { body, headers: { 'Content-Type': 'application/json', ...step.headers } }),
      ...(step.dependsOn ? { dependsOn: step.dependsOn } : {}),
    };
  });
  const response = (await graph
    .api('/$batch')
    .version(version)
    .header('client-request-id', clientRequestId)
    .responseType(ResponseType.RAW)
    .post({ requests })) as Response;
  const { requestId, value } = await checked(response, 'The JSON batch');
  const parsed = BatchResponseSchema.safeParse(value);
  const results = new Map<string, BatchStepResult>();
  for (const item of parsed.success ? parsed.data.responses : []) {
    if (results.has(item.id)) break;
    results.set(item.id, { id: item.id, status: item.status, headers: item.headers ?? {}, body: item.body });
  }
  if (!parsed.success || results.size !== steps.length || steps.some((step) => !results.has(step.id))) {
    throw new GraphRoundTripError('The JSON batch did not answer every step once', {
      status: response.status,
      ...(requestId ? { requestId } : {}),
    });
  }
  return { requestId, value: results };
}

/** Graph's error code, message and request-id from a failed step's body, when it has them. */
export function stepError(result: BatchStepResult): GraphErrorDetails {
  return parseErrorBody(result.body);
}

/** A refused batch as the GraphError the rest of the code maps, status and request-id kept. */
function roundTripError(error: GraphRoundTripError): GraphError {
  const graphError = new GraphError(error.details.status, error.message);
  graphError.code = error.details.code ?? null;
  graphError.requestId = error.details.requestId ?? null;
  graphError.headers = new Headers(
    error.details.retryAfter ? { 'retry-after': error.details.retryAfter } : {},
  );
  return graphError;
}
