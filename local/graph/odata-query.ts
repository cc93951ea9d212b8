import { type FilterToken, tokenizeFilter } from './filter-tokens';
import type { GraphErrorSpec, GraphRequest, HandlerResult } from './messages';
import { ok, queryParameter } from './messages';
import type { GraphVersion } from './openapi-spec';

/**
 * The OData query options the group, role and PIM routes share: a small `$filter` language
 * (`eq`/`ne` comparisons, `in` lists and `startswith`, joined by `and`), `$top`/`$skiptoken` paging with
 * `@odata.nextLink`, and the directory's advanced-query rule.
 */

const error = (status: number, code: string, message: string): GraphErrorSpec => ({
  kind: 'error',
  status,
  code,
  message,
});

export const QueryErrors = {
  /** [obs] `Request_UnsupportedQuery: Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.` */
  invalidPageSize: (top: string, max: number) =>
    error(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${top}'. Must be between 1 and ${max} inclusive.`,
    ),

  /** Directory wording for a clause it can't run ([doc] aad-advanced-queries, "Unsupported or invalid query filter clause …"). */
  unsupportedFilter: (property: string, resource: string) =>
    error(
      400,
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`,
    ),

  /** [obs] microsoft-graph-docs-contrib#5103: the directory's body (empty code) for a skip token it can't read; status inferred. */
  invalidSkipToken: () => error(400, '', 'Invalid Skip Token'),

  /** [obs] msgraph-sdk-dotnet#348: directory lists page with `$skiptoken` only. */
  skipNotSupported: () => error(400, 'Request_BadRequest', "'$skip' is not supported by the service."),

  /** A `$filter` that doesn't parse; wording inferred. */
  invalidFilter: (detail: string) => error(400, 'BadRequest', `Invalid $filter: ${detail}`),

  /**
   * An advanced query (cast, `$filter`, `$orderby`) without `ConsistencyLevel: eventual` and
   * `$count=true`. The docs say both are required; the status and code follow the documented
   * `endsWith` example, the wording for casts is inferred.
   */
  advancedQueryRequired: (what: string) =>
    error(
      400,
      'Request_UnsupportedQuery',
      `${what} is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
    ),

  /** [doc] aad-advanced-queries: the `/$count` segment without `ConsistencyLevel: eventual`. */
  countNotSupported: () => error(400, 'Request_BadRequest', '$count is not currently supported.'),

  /** [doc] aad-advanced-queries: `$search` without the header. */
  searchNeedsConsistencyLevel: () =>
    error(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    ),
} as const;

export type FilterValue = string | boolean | null;

export type FilterClause =
  | { kind: 'compare'; property: string; operator: 'eq' | 'ne'; value: FilterValue }
  | { kind: 'in'; property: string; values: string[] }
  | { kind: 'startsWith'; property: string; value: string };

/** `('a', 'b')` after `in`: the quoted strings, or undefined if the list is malformed. */
function parseInList(take: () => FilterToken | undefined): string[] | undefined {
  if (take()?.text !== '(') return undefined;
  const values: string[] = [];
  for (;;) {
    const value = take();
    if (value?.kind !== 'string') return undefined;
    values.push(value.text);
    const next = take();
    if (next?.text === ')') return values;
    if (next?.text !== ',') return undefined;
  }
}

/**
 * Parses `a eq 'x' and startswith(b,'y') and c ne true and d in ('x','y')`; anything else is
 * refused. `in` works wherever `eq` does (aad-advanced-queries).
 */
export function parseFilter(
  text: string,
): { ok: true; clauses: FilterClause[] } | { ok: false; message: string } {
  const tokens = tokenizeFilter(text);
  if (typeof tokens === 'string') return { ok: false, message: tokens };
  const clauses: FilterClause[] = [];
  let i = 0;
  const take = () => tokens[i++];
  for (;;) {
    const first = take();
    if (first?.kind !== 'word') return { ok: false, message: 'expected a property or function' };
    if (first.text.toLowerCase() === 'startswith') {
      const [open, property, comma, value, close] = [take(), take(), take(), take(), take()];
      if (
        open?.text !== '(' ||
        property?.kind !== 'word' ||
        comma?.text !== ',' ||
        value?.kind !== 'string' ||
        close?.text !== ')'
      ) {
        return { ok: false, message: "startswith takes (property, 'text')" };
      }
      clauses.push({ kind: 'startsWith', property: property.text, value: value.text });
    } else {
      const operator = take();
      const op = operator?.kind === 'word' ? operator.text.toLowerCase() : '';
      if (op === 'in') {
        const values = parseInList(take);
        if (values === undefined) return { ok: false, message: "in takes ('text', …)" };
        clauses.push({ kind: 'in', property: first.text, values });
      } else {
        const value = take();
        if (op !== 'eq' && op !== 'ne')
          return { ok: false, message: `unsupported operator after ${first.text}` };
        let literal: FilterValue;
        if (value?.kind === 'string') literal = value.text;
        else if (value?.kind === 'word' && ['true', 'false', 'null'].includes(value.text.toLowerCase())) {
          const lower = value.text.toLowerCase();
          literal = lower === 'null' ? null : lower === 'true';
        } else return { ok: false, message: `unsupported value for ${first.text}` };
        clauses.push({ kind: 'compare', property: first.text, operator: op, value: literal });
      }
    }
    const next = take();
    if (next === undefined) return { ok: true, clauses };
    if (next.kind !== 'word' || next.text.toLowerCase() !== 'and') {
      return { ok: false, message: `unexpected '${next.text}'` };
    }
  }
}

/** Whether an object passes every clause; string comparisons ignore case, as the directory's do. */
export function matchesFilter(
  clauses: readonly FilterClause[],
  valueOf: (property: string) => unknown,
): boolean {
  const normal = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : (value ?? null));
  return clauses.every((clause) => {
    const actual = valueOf(clause.property);
    if (clause.kind === 'startsWith') {
      return typeof actual === 'string' && actual.toLowerCase().startsWith(clause.value.toLowerCase());
    }
    if (clause.kind === 'in') return clause.values.some((value) => normal(value) === normal(actual));
    const equal = normal(actual) === normal(clause.value);
    return clause.operator === 'eq' ? equal : !equal;
  });
}

export const hasEventualConsistency = (request: GraphRequest) =>
  (request.headers.consistencylevel ?? '').trim().toLowerCase() === 'eventual';

export const countRequested = (request: GraphRequest) =>
  (queryParameter(request, '$count') ?? '').trim().toLowerCase() === 'true';

/**
 * Whether a request carries the advanced-query parameters: `ConsistencyLevel: eventual` and
 * `$count=true`, or the `/$count` segment in place of the latter (aad-advanced-queries examples).
 */
export const isAdvancedQuery = (request: GraphRequest, countSegment: boolean) =>
  hasEventualConsistency(request) && (countSegment || countRequested(request));

/**
 * `@odata.count` for an advanced query, on the first page only (known issues); without the
 * advanced-query parameters `$count=true` is silently ignored (aad-advanced-queries).
 */
function countAnnotation(request: GraphRequest, total: number, offset: number) {
  return isAdvancedQuery(request, false) && offset === 0 ? { '@odata.count': total } : {};
}

/** `GET …/$count`: the number as text/plain; it needs `ConsistencyLevel: eventual` (aad-advanced-queries). */
export function countResponse(request: GraphRequest, total: number): HandlerResult {
  if (!hasEventualConsistency(request)) return QueryErrors.countNotSupported();
  return { kind: 'response', status: 200, body: total, headers: { 'Content-Type': 'text/plain' } };
}

export interface SearchTerm {
  property: string;
  term: string;
}

/**
 * `$search="property:term"` on directory objects: it needs `ConsistencyLevel: eventual`
 * (aad-advanced-queries). The directory tokenizes; a case-insensitive contains stands in (inferred).
 */
export function parseSearch(
  request: GraphRequest,
): { ok: true; search: SearchTerm | undefined } | { ok: false; error: GraphErrorSpec } {
  const text = queryParameter(request, '$search');
  if (text === null) return { ok: true, search: undefined };
  if (!hasEventualConsistency(request))
    return { ok: false, error: QueryErrors.searchNeedsConsistencyLevel() };
  const [property = 'displayName', term = ''] = text.replace(/^"|"$/g, '').split(':');
  return { ok: true, search: { property, term } };
}

export const matchesSearch = (search: SearchTerm, value: unknown) =>
  typeof value === 'string' && value.toLowerCase().includes(search.term.toLowerCase());

/** `$top` (1…max, default `defaultSize`) and the offset a `$skiptoken` carries; no `$skip`. */
export function pageWindow(
  request: GraphRequest,
  defaultSize: number,
  max: number,
): { ok: true; size: number; offset: number } | { ok: false; error: GraphErrorSpec } {
  if (queryParameter(request, '$skip') !== null) return { ok: false, error: QueryErrors.skipNotSupported() };
  const top = queryParameter(request, '$top');
  let size = defaultSize;
  if (top !== null) {
    const parsed = /^\d+$/.test(top.trim()) ? Number(top.trim()) : NaN;
    if (!(parsed >= 1 && parsed <= max)) return { ok: false, error: QueryErrors.invalidPageSize(top, max) };
    size = parsed;
  }
  const token = queryParameter(request, '$skiptoken');
  let offset = 0;
  if (token !== null) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (decoded?.[1] === undefined) return { ok: false, error: QueryErrors.invalidSkipToken() };
    offset = Number(decoded[1]);
  }
  return { ok: true, size, offset };
}

/**
 * The `@odata.nextLink` for the page after `offset`: the same path and query with a new
 * `$skiptoken`. Graph writes its links on its canonical host whatever name the client used; the
 * simulator's canonical name is `localhost` (what `simulator.url` gives) on the port the request
 * came in on, so a client configured with another name for the simulator (127.0.0.1) sees a link
 * to a different origin, as it would behind a proxy.
 */
function nextLink(request: GraphRequest, offset: number): string {
  return nextLinkWithToken(request, Buffer.from(`o${offset}`).toString('base64url'));
}

/**
 * One page of a directory list as Graph answers it: `@odata.context` names the set and any
 * `$select`, `@odata.count` comes on an advanced query's first page (countAnnotation), and
 * `@odata.nextLink` while more remain.
 */
export function listPage<T>(
  request: GraphRequest,
  list: {
    version: GraphVersion;
    set: string;
    select: readonly string[] | undefined;
    window: { offset: number; size: number };
  },
  items: readonly T[],
  project: (item: T) => unknown,
): HandlerResult {
  const { version, set, select, window } = list;
  const selected = select === undefined ? '' : `(${select.join(',')})`;
  const end = window.offset + window.size;
  return ok({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#${set}${selected}`,
    ...countAnnotation(request, items.length, window.offset),
    ...(end < items.length ? { '@odata.nextLink': nextLink(request, end) } : {}),
    value: items.slice(window.offset, end).map(project),
  });
}

/** As `nextLink`, with a route's own `$skiptoken` value. */
export function nextLinkWithToken(request: GraphRequest, token: string): string {
  const port = /:(\d+)$/.exec(request.headers.host ?? '')?.[1];
  const origin = `https://localhost${port === undefined ? '' : `:${port}`}`;
  const query = new URLSearchParams(request.query);
  query.set('$skiptoken', token);
  // Keep `$` readable, as Graph's links do.
  return `${origin}${request.path}?${query.toString().replaceAll('%24', '$')}`;
}
