import { setTimeout as sleep } from 'node:timers/promises';

import { type Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { currentDeadline } from '../deadline';
import { type GraphErrorDetails, parseErrorBody } from './error-body';
import { toAppError } from './errors';
import { headerValue, retryAfterSeconds } from './retry-after';
import { checked, graphError, type RoundTrip } from './round-trip';

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
  /** Collects Graph's request-id of every batch sent, for the audit entry. */
  requestIds?: string[];
  /** Re-send rounds for throttled steps, and the longest Retry-After worth waiting for. */
  retry?: { maxRetries: number; maxWaitSeconds: number };
}

const DEFAULT_RETRY = { maxRetries: 3, maxWaitSeconds: 30 };

/**
 * A step worth sending again after Retry-After: any step Graph throttled (429 means not done), and
 * a read that met a 503/504 (a write may have been carried out, so it is not repeated here).
 */
const resendable = (step: BatchStep, status: number) =>
  status === 429 || (step.method === 'GET' && (status === 503 || status === 504));

/**
 * Sends any number of steps as JSON `$batch` requests, 20 a batch and the batches side by side,
 * and returns every step's own status (a batch answers 200 even when each step failed). Steps that
 * depend on another must share its batch. Throttled steps are re-sent after their Retry-After (the
 * SDK's retry handler only sees the outer 200) while the retry limits and the running action's
 * deadline allow; after that their 429 is the answer. A refused batch throws as toAppError maps it.
 */
export async function sendSteps(
  graph: Client,
  steps: readonly BatchStep[],
  options: BatchOptions,
): Promise<Map<string, BatchStepResult>> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const results = new Map<string, BatchStepResult>();
  let pending = [...steps];
  for (let round = 0; pending.length > 0; round += 1) {
    const chunks: BatchStep[][] = [];
    for (let i = 0; i < pending.length; i += MAX_BATCH_STEPS)
      chunks.push(pending.slice(i, i + MAX_BATCH_STEPS));
    const answers = await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const roundTrip = await postBatch(graph, chunk, options.clientRequestId, options.version);
          if (roundTrip.requestId) options.requestIds?.push(roundTrip.requestId);
          return roundTrip.value;
        } catch (error) {
          throw toAppError(error);
        }
      }),
    );
    for (const answer of answers) for (const [id, result] of answer) results.set(id, result);
    const again = pending.filter((step) => resendable(step, results.get(step.id)?.status ?? 0));
    if (again.length === 0 || round >= retry.maxRetries) break;
    const waitSeconds = Math.max(
      ...again.map(
        (step) => retryAfterSeconds(headerValue(results.get(step.id)?.headers, 'retry-after')) ?? 1,
      ),
    );
    const deadline = currentDeadline();
    if (waitSeconds > retry.maxWaitSeconds) break;
    if (deadline && Date.now() + waitSeconds * 1000 >= deadline.tenantAt) break;
    await sleep(waitSeconds * 1000);
    // A re-sent step's dependency already ran in the earlier round.
    pending = again.map((step) =>
      step.dependsOn && !again.some((other) => other.id === step.dependsOn?.[0])
        ? { ...step, dependsOn: undefined }
        : step,
    );
  }
  return results;
}

/** Whole seconds a throttled step asked for (at least 1), for the caller's Retry-After. */
export function stepRetryAfter(result: BatchStepResult): number | undefined {
  return retryAfterSeconds(headerValue(result.headers, 'retry-after'));
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

/**
 * One JSON `$batch`, keeping the response's request-id for the audit entry. The SDK's retry handler
 * covers the outer request; each step's status is the caller's to check. A response that doesn't
 * answer every step exactly once is refused. Every write step carries a body (`{}` when it has
 * none) and its Content-Type: Graph refuses the whole batch otherwise ("Write request id : … does
 * not contain Content-Type header or body", https://learn.microsoft.com/en-us/graph/json-batching).
 * Written here rather than with the SDK's BatchRequestContent, which needs fetch `Request` objects
 * with absolute URLs (cut back to a path that still holds the version) and allows only three
 * dependency shapes.
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
    throw graphError(response.status, 'The JSON batch did not answer every step once', response.headers);
  }
  return { requestId, value: results };
}

/** Graph's error code, message and request-id from a failed step's body, when it has them. */
export function stepError(result: BatchStepResult): GraphErrorDetails {
  return parseErrorBody(result.body);
}
