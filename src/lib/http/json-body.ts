import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';

import { parseInput } from './parse';
import { AppError } from './problem';

/** Large enough for any action here; small enough that a body can't be used to exhaust memory. */
export const MAX_BODY_BYTES = 16 * 1024;

const tooLarge = () =>
  new AppError('payload_too_large', `The body may hold at most ${MAX_BODY_BYTES} bytes.`);

/**
 * The body as text, refused as soon as it is known to be too large: by its declared
 * `content-length` before a byte is read, else once the bytes read pass the limit (the rest of the
 * stream is cancelled, not buffered). Azure hands the worker far larger bodies than this app takes.
 */
async function readBodyText(request: Pick<HttpRequest, 'headers' | 'body'>): Promise<string> {
  if (Number(request.headers.get('content-length')) > MAX_BODY_BYTES) throw tooLarge();
  if (request.body === null) return '';
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a JSON body and validates it: a wrong content type is 415, an oversized body 413, malformed
 * JSON or a schema failure 400 — never a 500.
 */
export async function parseJsonBody<Schema extends z.ZodType>(
  request: Pick<HttpRequest, 'headers' | 'body'>,
  schema: Schema,
): Promise<z.output<Schema>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await readBodyText(request);
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
