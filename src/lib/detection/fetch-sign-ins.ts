import { type Client, type PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';

import { AppError } from '../http/problem';
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
  /** The configured Graph origin: a nextLink elsewhere is refused (docs/threat-model.md). */
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
 * A client whose `api()` refuses absolute URLs on another origin: the PageIterator calls
 * `client.api(nextLink)` for every page after the first.
 */
function originGuarded(client: Client, origin: string, onPage: () => void): Client {
  const guarded = Object.create(client) as Client;
  guarded.api = (path: string) => {
    if (/^https?:\/\//i.test(path) && new URL(path).origin !== origin) {
      throw new AppError('graph_rejected_request', `Graph returned a nextLink outside ${origin}; refused.`);
    }
    onPage();
    return client.api(path);
  };
  return guarded;
}

/**
 * Streams every failed sign-in of the window through `onSignIn`, one page in memory at a time,
 * with the SDK's PageIterator. Graph errors are thrown as the SDK reports them.
 */
export async function streamSignIns(
  client: Client,
  query: SignInQuery,
  options: StreamOptions,
): Promise<StreamResult> {
  const now = options.now ?? (() => Date.now());
  let pages = 0;
  const guarded = originGuarded(client, options.origin, () => (pages += 1));
  const first = (await guarded.api(signInListPath(query)).get()) as PageCollection;
  let remainingOnPage = first.value.length;
  const iterator = new PageIterator(guarded, first, (item: unknown) => {
    const parsed = SignInSchema.safeParse(item);
    if (parsed.success) options.onSignIn(parsed.data);
    else options.onMalformed?.();
    remainingOnPage -= 1;
    // Checked at the last item of a page only, i.e. just before the iterator would fetch the next.
    if (remainingOnPage <= 0 && now() >= options.deadline) {
      return false;
    }
    return true;
  });
  // The callback cannot see page boundaries directly; it learns each page's length from the api() hook.
  const api = guarded.api.bind(guarded);
  guarded.api = (path: string) => {
    const request = api(path);
    const get = request.get.bind(request);
    request.get = async () => {
      const page = (await get()) as PageCollection;
      remainingOnPage = page.value.length;
      return page;
    };
    return request;
  };
  if (first.value.length === 0 && first['@odata.nextLink'] === undefined) return { pages, complete: true };
  await iterator.iterate();
  // Stopped at the last item of the last page, the iterator still counts itself complete.
  return { pages, complete: iterator.isComplete() };
}
