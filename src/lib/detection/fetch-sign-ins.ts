import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import { readPages } from '../graph/paged-reader';
import { type SignIn, SignInSchema } from './sign-in';

/** Graph's maximum (and default) page size for auditLogs/signIns. */
export const SIGN_IN_PAGE_SIZE = 1000;

export interface SignInQuery {
  start: Date;
  end: Date;
  errorCodes: readonly number[];
}

/** createdDateTime literals unquoted (Graph refuses quoted ones); several codes joined with `or`. */
export function signInListPath(query: SignInQuery): string {
  const codes = query.errorCodes.map((code) => `status/errorCode eq ${Math.trunc(code)}`).join(' or ');
  const filter =
    `createdDateTime ge ${query.start.toISOString()} and createdDateTime le ${query.end.toISOString()}` +
    ` and (${codes})`;
  return `/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=${SIGN_IN_PAGE_SIZE}`;
}

export interface StreamOptions {
  /** The configured Graph origin: a nextLink elsewhere is refused. */
  origin: string;
  /** Epoch ms after which no further page is requested. */
  deadline: number;
  now?: () => number;
  onSignIn: (signIn: SignIn) => void;
  /** A sign-in that fails the schema: counted, never thrown. */
  onMalformed?: () => void;
}

export interface StreamResult {
  pages: number;
  /** False when the time budget stopped paging before the last page. */
  complete: boolean;
}

/**
 * Streams every failed sign-in of the window through `onSignIn`, one page in memory at a time;
 * later pages are read by the paged reader, only from the configured Graph origin. Graph errors are
 * thrown as the SDK reports them.
 */
export async function streamSignIns(
  client: Client,
  query: SignInQuery,
  options: StreamOptions,
): Promise<StreamResult> {
  const now = options.now ?? (() => Date.now());
  const first: unknown = await client.api(signInListPath(query)).get();
  const reader = { graph: client, graphOrigin: options.origin, clientRequestId: randomUUID() };
  let pages = 0;
  for await (const page of readPages(reader, first, { what: 'The sign-in list' })) {
    pages += 1;
    for (const item of page.items) {
      const parsed = SignInSchema.safeParse(item);
      if (parsed.success) options.onSignIn(parsed.data);
      else options.onMalformed?.();
    }
    // Checked between pages only, i.e. just before the next one would be requested.
    if (page.hasNext && now() >= options.deadline) return { pages, complete: false };
  }
  return { pages, complete: true };
}
