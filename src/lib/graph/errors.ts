import { GraphError } from '@microsoft/microsoft-graph-client';

import { AppError, type ProblemCode } from '../http/problem';
import { parseErrorBody } from './error-body';

export interface GraphErrorContext {
  /** What a 404 from Graph means for this call, e.g. `user_not_found`. */
  notFound?: { code: ProblemCode; detail: string };
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.isNaN(Number(value))
    ? (new Date(value).getTime() - Date.now()) / 1000
    : Number(value);
  return Number.isFinite(seconds) ? Math.max(0, Math.ceil(seconds)) : undefined;
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
    retryAfterSeconds: retryAfterSeconds(error.headers),
  };
  if (error.statusCode === 404 && context.notFound) {
    return new AppError(context.notFound.code, context.notFound.detail, details);
  }
  const code = codeForStatus(error.statusCode);
  // Graph's message is shown for its 4xx refusals (it says what was wrong), never for its 5xx.
  const detail =
    code === 'graph_unavailable' || code === 'graph_throttled'
      ? `Microsoft Graph answered ${error.statusCode}; try again later.`
      : `Microsoft Graph answered ${error.statusCode} ${details.graphCode ?? ''}: ${error.message || passedThrough.message || ''}`.trim();
  return new AppError(code, detail, details);
}
