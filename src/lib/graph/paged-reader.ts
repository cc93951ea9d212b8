import { type Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { checked } from './round-trip';

/** Where pages come from: later pages are read only from the configured Graph origin. */
export interface PageReader {
  graph: Client;
  /** The only origin an `@odata.nextLink` may point to: a link elsewhere would send the token there. */
  graphOrigin: string;
  clientRequestId: string;
  /** Collects the request-id of each later page read, for the audit entry. */
  requestIds?: string[];
}

export const PageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().nullable().optional(),
});

/** A list Graph answered in a shape the app cannot read completely; nothing of it should be trusted. */
export class UnusablePageError extends Error {
  override readonly name = 'UnusablePageError';
}

export interface Page {
  items: unknown[];
  /** Another page follows: stopping here leaves the list incomplete. */
  hasNext: boolean;
}

/**
 * Every page of a Graph list, starting from the first page's body (read by the caller, alone or
 * as a batch step) and following `@odata.nextLink` only within the configured origin. A failed
 * page throws the GraphError the SDK would; an unreadable one, a foreign link or more than
 * `maxPages` pages throw UnusablePageError.
 */
export async function* readPages(
  reader: PageReader,
  firstBody: unknown,
  options: { what: string; maxPages?: number },
): AsyncGenerator<Page> {
  const { what, maxPages = Number.POSITIVE_INFINITY } = options;
  let body = firstBody;
  for (let pages = 1; ; pages += 1) {
    const page = PageSchema.safeParse(body);
    if (!page.success) throw new UnusablePageError(`${what} gave an unexpected answer.`);
    const next = page.data['@odata.nextLink'];
    yield { items: page.data.value, hasNext: Boolean(next) };
    if (!next) return;
    const url = sameOrigin(next, reader.graphOrigin, what);
    if (pages >= maxPages) throw new UnusablePageError(`${what} has more than ${maxPages} pages.`);
    const response = (await reader.graph
      .api(url.href)
      .header('client-request-id', reader.clientRequestId)
      .responseType(ResponseType.RAW)
      .get()) as Response;
    const { requestId, value } = await checked(response, `A page of ${what}`);
    if (requestId) reader.requestIds?.push(requestId);
    body = value;
  }
}

/** Every item of a list, all pages read. */
export async function readAllItems(
  reader: PageReader,
  firstBody: unknown,
  options: { what: string; maxPages?: number },
): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const page of readPages(reader, firstBody, options)) items.push(...page.items);
  return items;
}

function sameOrigin(link: string, origin: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new UnusablePageError(`${what} gave a malformed nextLink.`);
  }
  if (url.origin !== origin || url.username !== '' || url.password !== '') {
    throw new UnusablePageError(`${what} gave a nextLink outside the configured Graph origin.`);
  }
  return url;
}
