import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface HostKeys {
  /** Accepted on function-level routes (the role of Azure's default host key). */
  readonly functionKey: string;
  /** Accepted everywhere, and the only key for admin-level routes and /admin. */
  readonly masterKey: string;
}

export const FUNCTIONS_KEY_HEADER = 'x-functions-key';

export function isAuthLevel(value: string): value is AuthLevel {
  return value === 'anonymous' || value === 'function' || value === 'admin';
}

export function generateKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The key a caller presented: the `x-functions-key` header, else the `code` query parameter. */
export function presentedKey(
  headerValue: string | string[] | undefined,
  query: URLSearchParams,
): string | undefined {
  const header = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  if (header) return header;
  return query.get('code') ?? undefined;
}

/** Constant-time comparison; hashing first hides the length of the expected key. */
export function keyMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

export function isAuthorized(level: AuthLevel, presented: string | undefined, keys: HostKeys): boolean {
  switch (level) {
    case 'anonymous':
      return true;
    case 'function':
      return keyMatches(presented, keys.functionKey) || keyMatches(presented, keys.masterKey);
    case 'admin':
      return keyMatches(presented, keys.masterKey);
  }
}
