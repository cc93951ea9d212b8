import { describe, expect, it } from 'vitest';

import { graphOpenApiValidator } from '../../../local/graph/openapi-validator';

const v1 = graphOpenApiValidator('v1.0');
const beta = graphOpenApiValidator('beta');

const phone = {
  '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
  id: '3179e48a-750b-4051-897c-87b9720928f7',
  createdDateTime: null,
  phoneNumber: '+1 4255550109',
  phoneType: 'mobile',
  smsSignInState: 'ready',
};
const methodsPath = '/users/66b022fa-5f4b-45ff-86f2-1ae4037c6f3d/authentication/methods';
const list = (...value: unknown[]) => ({
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#x',
  value,
});
const validateList = (validator: typeof v1, ...value: unknown[]) =>
  validator.validateResponse({ method: 'GET', path: methodsPath, status: 200, body: list(...value) });

describe('OpenAPI response validator', () => {
  it('accepts a derived type that matches its schema', () => {
    expect(validateList(v1, phone)).toMatchObject({
      valid: true,
      operation: 'GET /users/{user-id}/authentication/methods',
    });
  });

  it("checks a derived type's own properties through the discriminator", () => {
    const outcome = validateList(v1, { ...phone, phoneType: 'satellite' });
    expect(outcome.valid).toBe(false);
    expect(outcome.errors.join('\n')).toContain('/value/0/phoneType');
  });

  it('rejects an @odata.type the version does not map', () => {
    const hardware = {
      '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethod',
      id: '0dc3e2ad-6f90-4da9-a244-cde81a9d04e2',
    };
    expect(validateList(v1, hardware).valid).toBe(false);
    expect(validateList(beta, hardware).valid).toBe(true);
  });

  it('rejects properties the type does not declare, unless asked not to', () => {
    const fido = {
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: 'e13a3bd2-b090-4394-8170-8d26b4a3eed3',
      displayName: 'key',
      creationDateTime: '2024-06-03T14:22:09Z',
    };
    const outcome = validateList(v1, fido);
    expect(outcome.valid).toBe(false);
    expect(outcome.errors.join('\n')).toContain("'creationDateTime'");
    expect(validateList(graphOpenApiValidator('v1.0', { strictProperties: false }), fido).valid).toBe(true);
  });

  it('treats nullable properties as nullable and checks date-time formats', () => {
    expect(validateList(v1, { ...phone, phoneNumber: null }).valid).toBe(true);
    expect(validateList(v1, { ...phone, createdDateTime: 'yesterday' }).valid).toBe(false);
  });

  it('allows undeclared properties on open directory types (user)', () => {
    const outcome = v1.validateResponse({
      method: 'GET',
      path: "/users('$x@contoso.onmicrosoft.com')",
      status: 200,
      body: {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
        id: 'x',
        extension_abc: 1,
      },
    });
    expect(outcome).toMatchObject({ valid: true, operation: 'GET /users/{user-id}' });
  });

  it('validates error bodies against the default response', () => {
    const error = {
      error: {
        code: 'Request_ResourceNotFound',
        message: 'gone',
        innerError: { date: '2025-02-13T10:17:06' },
      },
    };
    const request = { method: 'GET', path: '/users/nobody', status: 404 };
    expect(v1.validateResponse({ ...request, body: error })).toMatchObject({
      valid: true,
      responseKey: 'default',
    });
    expect(v1.validateResponse({ ...request, body: { error: { code: 'x' } } }).valid).toBe(false);
  });

  it('takes a success entry without content (204) to mean no body', () => {
    const request = {
      method: 'DELETE',
      path: '/users/abc/authentication/fido2Methods/def',
      status: 204,
    };
    expect(v1.validateResponse({ ...request, body: undefined })).toMatchObject({
      valid: true,
      responseKey: '204',
    });
    expect(v1.validateResponse({ ...request, body: { value: true } }).valid).toBe(false);
  });

  it('reports paths the document does not describe', () => {
    expect(v1.validateResponse({ method: 'GET', path: '/nothing', status: 200, body: {} }).valid).toBe(false);
    expect(v1.findOperation('GET', '/users/abc/transitiveMemberOf/microsoft.graph.group')).toBe(
      '/users/{user-id}/transitiveMemberOf/microsoft.graph.group',
    );
  });
});
