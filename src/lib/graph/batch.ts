import type { Client } from '@microsoft/microsoft-graph-client';

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

interface BatchResponseBody {
  responses: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
}

export interface BatchOptions {
  version?: 'v1.0' | 'beta';
  clientRequestId: string;
  /** Epoch ms after which throttled steps are no longer retried. */
  deadline: number;
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
 * Written here rather than with the SDK's BatchRequestContent, which needs fetch `Request`
 * objects with absolute URLs and re-wraps step bodies by header casing; this keeps steps typed.
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
    const answered = await postBatch(graph, pending, options);
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

async function postBatch(
  graph: Client,
  steps: BatchStep[],
  options: BatchOptions,
): Promise<Map<string, BatchStepResult>> {
  const requests = steps.map((step) => ({
    id: step.id,
    method: step.method,
    url: step.url,
    ...(step.body === undefined
      ? step.headers
        ? { headers: step.headers }
        : {}
      : { body: step.body, headers: { 'Content-Type': 'application/json', ...step.headers } }),
    ...(step.dependsOn ? { dependsOn: step.dependsOn } : {}),
  }));
  let response: BatchResponseBody;
  try {
    response = (await graph
      .api('/$batch')
      .version(options.version ?? 'v1.0')
      .header('client-request-id', options.clientRequestId)
      .post({ requests })) as BatchResponseBody;
  } catch (error) {
    throw toAppError(error);
  }
  return new Map(
    response.responses.map((item) => [
      item.id,
      { id: item.id, status: item.status, headers: item.headers ?? {}, body: item.body },
    ]),
  );
}

/** Graph's error code, message and request-id from a failed step's body, when it has them. */
export function stepError(result: BatchStepResult): GraphErrorDetails {
  return parseErrorBody(result.body);
}
