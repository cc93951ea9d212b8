import { GraphErrors } from './errors';
import type { GraphErrorSpec } from './messages';

export interface PathSegment {
  /** Percent-decoded; for a key in parentheses, the key with its quotes removed. */
  value: string;
  /**
   * `segment` for `/users/{key}`, `parens` for `/users('{key}')`. OData treats a leading `$` in a
   * plain segment as a system segment, so some keys only work in the parenthesised form.
   */
  form: 'segment' | 'parens';
}

export type ParsedPath =
  { ok: true; version: string; segments: PathSegment[] } | { ok: false; error: GraphErrorSpec };

// `users('x')`, `users("x")` or `users(x)`: a collection followed by a key.
const KEY_IN_PARENS = /^([^(]+)\((.*)\)$/;

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function unquote(key: string): string {
  if (key.length >= 2 && key.startsWith("'") && key.endsWith("'"))
    return key.slice(1, -1).replaceAll("''", "'");
  return key;
}

/**
 * Splits a Graph URL path into its version and decoded segments. A `#` never reaches a server
 * unencoded (the client cuts the URL at the fragment), so `%23EXT%23` decodes here to `#EXT#`.
 */
export function parseGraphPath(rawPath: string): ParsedPath {
  const [version = '', ...rawSegments] = rawPath.split('/').filter((part) => part !== '');
  const segments: PathSegment[] = [];
  for (const raw of rawSegments) {
    const keyed = KEY_IN_PARENS.exec(raw);
    const name = decode(keyed?.[1] ?? raw);
    const key = keyed?.[2] === undefined ? undefined : decode(keyed[2]);
    if (name === undefined || (keyed !== null && key === undefined)) {
      return { ok: false, error: GraphErrors.resourceNotFoundForSegment(raw) };
    }
    segments.push({ value: name, form: 'segment' });
    if (key !== undefined) segments.push({ value: unquote(key), form: 'parens' });
  }
  return { ok: true, version, segments };
}

/** The OData key literal for a context URL: `users('a''b')`. */
export function odataKey(key: string): string {
  return `'${key.replaceAll("'", "''")}'`;
}
