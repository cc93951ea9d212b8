export interface GraphErrorDetails {
  code?: string;
  message?: string;
  requestId?: string;
}

interface ODataError {
  error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> };
  /** Some services behind Graph (device registration) pass their own OData v3 error through. */
  'odata.error'?: { code?: unknown; message?: unknown };
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Graph's error code, message and request-id from an error body of either OData shape. */
export function parseErrorBody(body: unknown): GraphErrorDetails {
  if (body === null || typeof body !== 'object') return {};
  const { error, 'odata.error': legacy } = body as ODataError;
  const code = text(error?.code) ?? text(legacy?.code);
  const legacyMessage = legacy?.message;
  const message =
    text(error?.message) ??
    text(legacyMessage) ??
    (legacyMessage !== null && typeof legacyMessage === 'object'
      ? text((legacyMessage as { value?: unknown }).value)
      : undefined);
  const requestId = text(error?.innerError?.['request-id']);
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) };
}
