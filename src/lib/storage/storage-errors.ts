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

/**
 * The ETag of a write the service just acknowledged, or of a record a caller hands back. Never
 * empty: an absent ETag would turn a guarded update into an unconditional one (the SDK's default
 * is `*`), so a missing one is a bug to surface, not to paper over.
 */
export function requireEtag(etag: string | undefined): string {
  if (!etag) throw new Error('Table Storage write without an ETag; refusing an unguarded update.');
  return etag;
}
