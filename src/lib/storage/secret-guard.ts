/**
 * Belt and braces for docs/threat-model.md, "TAP leakage" (a pass is never stored): this layer
 * cannot know what a caller-built summary or detail holds, but it can refuse anything that plainly
 * carries a pass value, as a property or as JSON/text inside a string. Callers strip the pass; this
 * catches the bug where one forgets to.
 */
export class SecretLeakError extends Error {
  override readonly name = 'SecretLeakError';
}

const TAP_KEY = 'temporaryaccesspass';

/**
 * `temporaryAccessPass` followed by `:` or `=` and a value that is not null/undefined/empty, with
 * any quoting or JSON escaping around the name and the value (`"…":"x"`, `\"…\":\"x\"`, `…=x`).
 */
const TAP_IN_TEXT =
  /temporaryAccessPass[\\"'\s]*[:=][\\"'\s]*(?!(?:null|undefined)(?:[\\"'\s,}\]]|$))[^\\"'\s,}\]]/i;

/** Throws SecretLeakError (naming the path, never the value) if `value` appears to hold a pass. */
export function assertNoSecrets(value: unknown, path = '$'): void {
  walk(value, path, new Set());
}

function walk(value: unknown, path: string, seen: Set<object>): void {
  if (typeof value === 'string') {
    if (TAP_IN_TEXT.test(value)) {
      throw new SecretLeakError(
        `${path} looks like it holds a temporaryAccessPass value; refusing to store it`,
      );
    }
    return;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  for (const [key, item] of Object.entries(value)) {
    const itemPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (key.toLowerCase() === TAP_KEY && item !== null && item !== undefined) {
      throw new SecretLeakError(`${itemPath} holds a temporaryAccessPass value; refusing to store it`);
    }
    walk(item, itemPath, seen);
  }
}
