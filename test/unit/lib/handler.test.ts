import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

import { makeUserMethodsHandler } from '../../../src/functions/user-methods';
import { withProblemJson } from '../../../src/lib/http/handler';
import { AppError } from '../../../src/lib/http/problem';

const context = () => new InvocationContext({ functionName: 'test' });
const request = (headers: Record<string, string> = {}, params: Record<string, string> = {}) =>
  new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/test', headers, params });

describe('withProblemJson', () => {
  it('echoes a safe caller correlation id', async () => {
    const handler = withProblemJson(() => Promise.resolve({ status: 204 }));
    const response = await handler(request({ 'x-correlation-id': 'INC0012345' }), context());
    expect(new Headers(response.headers).get('x-correlation-id')).toBe('INC0012345');
  });

  it('replaces an unsafe correlation id with a new one', async () => {
    const handler = withProblemJson(() => Promise.resolve({ status: 204 }));
    const response = await handler(request({ 'x-correlation-id': 'bad id <script>' }), context());
    expect(new Headers(response.headers).get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('turns an AppError into problem+json with its code and Retry-After', async () => {
    const handler = withProblemJson(() =>
      Promise.reject(
        new AppError('graph_throttled', 'Graph is busy.', { retryAfterSeconds: 30, graphRequestId: 'rid-1' }),
      ),
    );
    const response = await handler(request({ 'x-correlation-id': 'c-1' }), context());
    const headers = new Headers(response.headers);
    expect(response.status).toBe(503);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(headers.get('retry-after')).toBe('30');
    expect(JSON.parse(response.body as string)).toEqual({
      type: 'urn:mfa-recovery:problem:graph_throttled',
      title: 'Microsoft Graph is throttling this service',
      status: 503,
      detail: 'Graph is busy.',
      code: 'graph_throttled',
      correlationId: 'c-1',
      graphRequestId: 'rid-1',
    });
  });

  it('hides an unexpected error behind internal_error and logs it', async () => {
    const ctx = context();
    const logged = vi.spyOn(ctx, 'error').mockImplementation(() => undefined);
    const handler = withProblemJson(() =>
      Promise.reject(new Error('secret internals at Object.<anonymous> (/app/src/x.ts:1:1)')),
    );
    const response = await handler(request(), ctx);
    expect(response.status).toBe(500);
    expect(response.body).not.toMatch(/secret internals|\/app\/src/);
    expect(JSON.parse(response.body as string)).toMatchObject({ code: 'internal_error' });
    expect(logged).toHaveBeenCalledOnce();
  });
});

describe('getUserMethods handler', () => {
  it('answers 400 invalid_request for a malformed {user} without calling Graph', async () => {
    const deps = vi.fn(() => {
      throw new Error('Graph must not be called');
    });
    const response = await makeUserMethodsHandler(deps)(request({}, { user: "x' or 1 eq 1" }), context());
    const body = JSON.parse(response.body as string) as { code: string; errors: { path: string }[] };
    expect(response.status).toBe(400);
    expect(body.code).toBe('invalid_request');
    expect(body.errors[0]?.path).toBe('user');
    expect(deps).not.toHaveBeenCalled();
  });
});
