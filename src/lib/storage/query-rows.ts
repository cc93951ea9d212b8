import type { TableClient, TableEntityResult } from '@azure/data-tables';

import { STORAGE_TIMEOUT_MS, storageOptions } from './storage-deadline';

/**
 * Every row a query matches, one page request at a time, each with its own storage deadline. The
 * SDK's own iterator sends every page with the one signal it was given, so a long listing runs out
 * of it (bench, 100,000 users), and without a signal a store that never answers holds the caller
 * forever. A filter on properties that are not keys may come back as many pages with few rows or none
 * (Table Storage stops each page after 1,000 rows scanned or 5 seconds), so even a short list pages.
 */
export async function* queryRows(
  client: TableClient,
  filter: string,
  { timeoutMs = STORAGE_TIMEOUT_MS, pageSize }: { timeoutMs?: number; pageSize?: number } = {},
): AsyncGenerator<TableEntityResult<Record<string, unknown>>> {
  let continuationToken: string | undefined;
  do {
    const page = await client
      .listEntities({ queryOptions: { filter }, ...storageOptions(timeoutMs) })
      .byPage({ maxPageSize: pageSize, continuationToken })
      .next();
    if (page.done === true) return;
    yield* page.value;
    continuationToken = page.value.continuationToken;
  } while (continuationToken !== undefined);
}
