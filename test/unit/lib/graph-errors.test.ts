import { CredentialUnavailableError } from '@azure/identity';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { toAppError } from '../../../src/lib/graph/errors';

function graphError(status: number, code: string, headers: Record<string, string> = {}): GraphError {
  const error = new GraphError(status, `message from Graph for ${code}`);
  error.code = code;
  error.requestId = '93b6f17e-c05d-4f45-ad2a-6665c708d8a0';
  error.headers = new Headers(headers);
  return error;
}

describe('toAppError', () => {
  it('maps a 404 to the code the call gives it, keeping the request-id', () => {
    const error = toAppError(graphError(404, 'Request_ResourceNotFound'), {
      notFound: { code: 'user_not_found', detail: 'No user x.' },
    });
    expect(error).toMatchObject({ code: 'user_not_found', status: 404, detail: 'No user x.' });
    expect(error.options.graphRequestId).toBe('93b6f17e-c05d-4f45-ad2a-6665c708d8a0');
    expect(error.options.graphCode).toBe('Request_ResourceNotFound');
  });

  it('maps a 429 to graph_throttled with the Retry-After seconds', () => {
    const error = toAppError(graphError(429, 'TooManyRequests', { 'retry-after': '120' }));
    expect(error).toMatchObject({ code: 'graph_throttled', status: 503 });
    expect(error.options.retryAfterSeconds).toBe(120);
  });

  it('maps a 403 to graph_permission_denied with Graph reason', () => {
    const error = toAppError(graphError(403, 'Authorization_RequestDenied'));
    expect(error).toMatchObject({ code: 'graph_permission_denied', status: 502 });
    expect(error.detail).toContain('Authorization_RequestDenied');
  });

  it("does not echo Graph's message for a 5xx", () => {
    const error = toAppError(graphError(500, 'generalException'));
    expect(error).toMatchObject({ code: 'graph_unavailable', status: 503 });
    expect(error.detail).not.toContain('message from Graph');
  });

  it('maps a 401 to graph_unauthorized', () => {
    expect(toAppError(graphError(401, 'InvalidAuthenticationToken')).code).toBe('graph_unauthorized');
  });

  it('maps an unexpected 400 to graph_rejected_request', () => {
    expect(toAppError(graphError(400, 'Request_BadRequest')).code).toBe('graph_rejected_request');
  });

  it('maps a credential failure to identity_unavailable', () => {
    expect(toAppError(new CredentialUnavailableError('no endpoint')).code).toBe('identity_unavailable');
  });

  it('maps a network failure to graph_unavailable', () => {
    expect(toAppError(new TypeError('fetch failed')).code).toBe('graph_unavailable');
  });
});
