/**
 * Graph's `Retry-After` as whole seconds, at least 1: Graph sends seconds, and HTTP allows an
 * HTTP-date too (RFC 9110 §10.2.3). Absent or unreadable is undefined, so the caller picks its own.
 */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const seconds = /^\d+(\.\d+)?$/.test(trimmed)
    ? Number(trimmed)
    : /[a-z]/i.test(trimmed)
      ? (Date.parse(trimmed) - now) / 1000
      : Number.NaN;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : undefined;
}

/** The header's value from a plain header record (a batch step's headers), any case. */
export function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
}
