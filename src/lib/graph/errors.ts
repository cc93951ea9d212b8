import { GraphError } from '@microsoft/microsoft-graph-client';

import { AppError, type ProblemCode } from '../http/problem';
import { parseErrorBody } from './error-body';
import { retryAfterSeconds } from './retry-after';

export interface GraphErrorContext {
  /** What a 404 from Graph means for this call, e.g. `user_not_found`. */
  notFound?: { code: ProblemCode; detail: string };
  /**
   * The call changes the tenant: a gateway timeout (504) then leaves its effect unknown, as a
   * timeout in flight does (Graph may have carried it out before the gateway gave up).
   */
  write?: boolean;
}

/** @azure/identity's failures, by name: the Graph SDK re-wraps them as a GraphError with status -1. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AuthenticationRequiredError',
]);

function isCredentialFailure(error: unknown): boolean {
  if (error instanceof GraphError) return error.statusCode === -1 && CREDENTIAL_ERRORS.has(error.code ?? '');
  return error instanceof Error && CREDENTIAL_ERRORS.has(error.name);
}

/** What fetch throws when the action's signal aborts it (AbortSignal.timeout gives TimeoutError). */
const ABORTED = new Set(['AbortError', 'TimeoutError']);

/**
 * Whether the action deadline stopped this call: before it was sent (nothing happened), or while
 * it was in flight (Graph may have carried it out). The SDK re-wraps middleware and fetch failures
 * as a GraphError with status -1 and the original error's name as its code.
 */
function deadlineFailure(error: unknown): 'not_sent' | 'in_flight' | undefined {
  const name =
    error instanceof GraphError
      ? error.statusCode === -1
        ? error.code
        : null
      : error instanceof Error
        ? error.name
        : null;
  if (name === 'DeadlinePassedError') return 'not_sent';
  if (name && ABORTED.has(name)) return 'in_flight';
  return undefined;
}

function codeForStatus(status: number): ProblemCode {
  if (status === 401) return 'graph_unauthorized';
  if (status === 403) return 'graph_permission_denied';
  if (status === 429) return 'graph_throttled';
  if (status >= 500 || status === -1) return 'graph_unavailable';
  return 'graph_rejected_request';
}

/** Maps anything a Graph call throws to the project's error codes, keeping Graph's request-id. */
export function toAppError(error: unknown, context: GraphErrorContext = {}): AppError {
  if (error instanceof AppError) return error;
  const timing = deadlineFailure(error);
  if (timing === 'not_sent') {
    return new AppError(
      'time_budget_exceeded',
      'The action ran out of time before this step; retry to finish it.',
      {
        cause: error,
        retryAfterSeconds: 1,
      },
    );
  }
  if (timing === 'in_flight') {
    return new AppError(
      'time_budget_exceeded',
      "Microsoft Graph did not answer within the action's time budget; whether the request took effect is unknown.",
      { cause: error, retryAfterSeconds: 1, effectUnknown: true },
    );
  }
  if (isCredentialFailure(error)) {
    return new AppError(
      'identity_unavailable',
      'The managed identity could not obtain a Microsoft Graph token.',
      { cause: error },
    );
  }
  if (!(error instanceof GraphError)) {
    return new AppError('graph_unavailable', 'Microsoft Graph could not be reached.', { cause: error });
  }
  const passedThrough = error.code ? {} : parseErrorBody(error.body);
  const graphRequestId = error.requestId ?? error.headers?.get('request-id') ?? undefined;
  const details = {
    cause: error,
    graphRequestId,
    graphCode: error.code ?? passedThrough.code,
    retryAfterSeconds: retryAfterSeconds(error.headers?.get('retry-after')),
  };
  if (error.statusCode === 404 && context.notFound) {
    return new AppError(context.notFound.code, context.notFound.detail, details);
  }
  const code = codeForStatus(error.statusCode);
  if (context.write && error.statusCode === 504) {
    return new AppError(
      'graph_unavailable',
      'Microsoft Graph timed out (504); whether the request took effect is unknown.',
      { ...details, effectUnknown: true },
    );
  }
  // Graph's message is shown for its 4xx refusals (it says what was wrong), never for its 5xx.
  const detail =
    code === 'graph_unavailable' || code === 'graph_throttled'
      ? `Microsoft Graph answered ${error.statusCode}; try again later.`
      : `Microsoft Graph answered ${error.statusCode} ${details.graphCode ?? ''}: ${error.message || passedThrough.message || ''}`.trim();
  return new AppError(code, detail, details);
}
