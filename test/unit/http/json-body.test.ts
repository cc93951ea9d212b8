import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { MAX_BODY_BYTES, parseJsonBody } from '../../../src/lib/http/json-body';
import { AppError } from '../../../src/lib/http/problem';

const Schema = z.strictObject({ ticket: z.string() });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

/** A body stream of `chunks` chunks of 1 KiB each, counting how many were pulled. */
function countingStream(chunks: number) {
  const pulled = { count: 0, cancelled: false };
  const chunk = new TextEncoder().encode(' '.repeat(1024));
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled.count === chunks) {
          controller.close();
          return;
        }
        pulled.count += 1;
        controller.enqueue(chunk);
      },
      cancel() {
        pulled.cancelled = true;
      },
      // Nothing is pulled before a reader asks.
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled };
}

const jsonHeaders = (extra: Record<string, string> = {}) =>
  new Headers({ 'content-type': 'application/json', ...extra });

describe('parseJsonBody size limit', () => {
  it('refuses a declared content-length over the limit without reading the body', async () => {
    const { stream, pulled } = countingStream(1);
    const request = { headers: jsonHeaders({ 'content-length': String(MAX_BODY_BYTES + 1) }), body: stream };
    expect(await codeOf(parseJsonBody(request, Schema))).toBe('payload_too_large');
    expect(pulled.count).toBe(0);
  });

  it('cuts a body without content-length at the limit instead of reading it all', async () => {
    const { stream, pulled } = countingStream(1024); // 1 MiB on offer
    const request = { headers: jsonHeaders(), body: stream };
    expect(await codeOf(parseJsonBody(request, Schema))).toBe('payload_too_large');
    expect(pulled.count).toBeLessThanOrEqual(MAX_BODY_BYTES / 1024 + 2);
    expect(pulled.cancelled).toBe(true);
  });

  it('cuts a body whose content-length understates it', async () => {
    const { stream } = countingStream(64);
    const request = { headers: jsonHeaders({ 'content-length': '10' }), body: stream };
    expect(await codeOf(parseJsonBody(request, Schema))).toBe('payload_too_large');
  });

  it('reads a body of exactly the limit', async () => {
    const json = JSON.stringify({ ticket: 'x'.repeat(MAX_BODY_BYTES - 13) });
    expect(Buffer.byteLength(json)).toBe(MAX_BODY_BYTES);
    const request = new HttpRequest({
      method: 'POST',
      url: 'http://localhost/api/x',
      headers: { 'content-type': 'application/json' },
      body: { string: json },
    });
    expect((await parseJsonBody(request, Schema)).ticket).toHaveLength(MAX_BODY_BYTES - 13);
  });
});
