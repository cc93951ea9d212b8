import { storageSignal } from '../deadline';

/** How long one Table or Queue operation may take, retries included, when no action deadline is shorter. */
export const STORAGE_TIMEOUT_MS = 10_000;

/**
 * The options every storage call takes: a storage account that accepts connections but never
 * answers must fail fast too, and within a recovery action no later than its answer deadline.
 */
export function storageOptions(timeoutMs = STORAGE_TIMEOUT_MS): { abortSignal: AbortSignal } {
  return { abortSignal: storageSignal(timeoutMs) };
}
