/** The row was not in the state the caller read it in (lost an ETag race, or it exists already). */
export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';

  constructor(
    readonly table: string,
    detail: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${table}: ${detail}`, options);
  }
}

/**
 * The HTTP status of a storage SDK failure, or undefined for anything else (network, abort).
 * Checked by name and shape, as @azure/data-tables does itself: the table and queue SDKs may each
 * carry their own copy of core-rest-pipeline, so `instanceof RestError` is not reliable.
 */
export function storageStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== 'RestError') return undefined;
  const status = (error as Error & { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}
