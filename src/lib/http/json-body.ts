import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';

import { parseInput } from './parse';
import { AppError } from './problem';

/** Large enough for any action here; small enough that a body can't be used to exhaust memory (T13). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON body and validates it: a wrong content type is 415, an oversized body 413, malformed
 * JSON or a schema failure 400 — never a 500.
 */
export async function parseJsonBody<Schema extends z.ZodType>(
  request: HttpRequest,
  schema: Schema,
): Promise<z.output<Schema>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new AppError('payload_too_large', `The body may hold at most ${MAX_BODY_BYTES} bytes.`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON.', {
      errors: [{ path: 'body', message: 'is not valid JSON' }],
    });
  }
  return parseInput(schema, body, 'body');
}
