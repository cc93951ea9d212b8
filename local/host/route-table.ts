import { inboundPrecedence, matchRouteTemplate, type RouteTemplate } from './route-template';

export interface RouteEntry<T> {
  readonly template: RouteTemplate;
  /** Upper-case HTTP methods; undefined accepts every method. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly target: T;
  /** Breaks precedence ties so the order never depends on registration order. */
  readonly name: string;
}

export interface RouteMatch<T> {
  readonly target: T;
  readonly params: Record<string, string>;
}

function comparePrecedence(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    // A missing digit counts as 0, so "users" sorts before "users/{id?}", as in ASP.NET.
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Function routes tried in ASP.NET precedence order, so `users/me` wins over `users/{id}`
 * whatever order the files registered them. A method mismatch is simply no match (the host's
 * HttpMethodRouteConstraint), which ends in 404.
 */
export class RouteTable<T> {
  readonly #entries: readonly RouteEntry<T>[];

  constructor(entries: readonly RouteEntry<T>[]) {
    const keyed = entries.map((entry) => ({ entry, precedence: inboundPrecedence(entry.template) }));
    keyed.sort(
      (a, b) =>
        comparePrecedence(a.precedence, b.precedence) ||
        a.entry.template.text.toLowerCase().localeCompare(b.entry.template.text.toLowerCase()) ||
        a.entry.name.localeCompare(b.entry.name),
    );
    this.#entries = keyed.map(({ entry }) => entry);
  }

  get entries(): readonly RouteEntry<T>[] {
    return this.#entries;
  }

  match(method: string, pathSegments: readonly string[]): RouteMatch<T> | undefined {
    const upperMethod = method.toUpperCase();
    for (const entry of this.#entries) {
      if (entry.methods && !entry.methods.has(upperMethod)) continue;
      const params = matchRouteTemplate(entry.template, pathSegments);
      if (params) return { target: entry.target, params };
    }
    return undefined;
  }
}

/**
 * The decoded segments of a URL path. A trailing slash is ignored, and `%2F` stays encoded
 * inside a segment, as Kestrel does, so an encoded slash never splits a route value.
 */
export function splitPath(pathname: string): string[] {
  const raw = pathname.split('/').slice(1);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  return raw.map(decodeSegment);
}

function decodeSegment(segment: string): string {
  return segment
    .split(/%2F/i)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part; // an invalid escape stays as written rather than failing the request
      }
    })
    .join('%2F');
}
