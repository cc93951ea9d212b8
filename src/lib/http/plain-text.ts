import { z } from 'zod';

/** C0/C1 control characters (newline, NUL, escape, …) and the Unicode line and paragraph separators. */
const CONTROL_CHARACTER = /[\p{Cc}\u2028\u2029]/u;

/**
 * One line of free text that is stored in the audit and published on queues. A control character
 * anywhere (even a trailing newline, before trimming) is refused, so the text can neither forge a
 * log line nor hide content from whoever reads it.
 */
export function singleLineText(length: { min?: number; max: number }) {
  return z
    .string()
    .refine((text) => !CONTROL_CHARACTER.test(text), {
      error: 'must not contain line breaks or other control characters',
    })
    .trim()
    .min(length.min ?? 0)
    .max(length.max);
}
