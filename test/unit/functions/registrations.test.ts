import { readdirSync } from 'node:fs';
import path from 'node:path';

import { type HttpFunctionOptions, HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { API_OPERATIONS } from '../../../src/lib/api/operations';

const registered = vi.hoisted(() => new Map<string, HttpFunctionOptions>());

vi.mock('@azure/functions', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@azure/functions')>();
  return {
    ...actual,
    app: {
      ...actual.app,
      http: (name: string, options: HttpFunctionOptions) => registered.set(name, options),
      hook: { ...actual.app.hook, appStart: () => undefined },
    },
  };
});

const FUNCTIONS_DIR = path.resolve(__dirname, '../../../src/functions');
const PUBLIC_ROUTES = API_OPERATIONS.filter((operation) => operation.access === 'public').map(
  (operation) => operation.route,
);
const TENANT = '2f85a001-1450-4f57-8ed3-c840c8849cd8';
const API = '5d0f8e34-3c3a-4a0e-9d61-0a4b1f6c2e77';

/** Every HTTP registration, as the app makes them with these settings in the environment. */
async function registrations(env: Record<string, string>): Promise<[string, HttpFunctionOptions][]> {
  registered.clear();
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  for (const file of readdirSync(FUNCTIONS_DIR).filter((name) => name.endsWith('.ts'))) {
    await import(path.join(FUNCTIONS_DIR, file));
  }
  expect(registered.size).toBeGreaterThanOrEqual(2);
  return [...registered];
}

/** The route's own answer to a request the host let through unkeyed. */
async function invokeUnkeyed(options: HttpFunctionOptions, headers: Record<string, string>) {
  const route = (options.route ?? '')
    .replace(/\{user\}/, 'AdeleV@contoso.onmicrosoft.com')
    .replace(/\{\w+\}/g, 'x');
  const method = options.methods?.[0] ?? 'GET';
  const request = new HttpRequest({
    method,
    url: `http://localhost/api/${route}`,
    headers: { 'content-type': 'application/json', 'idempotency-key': 'key-0123456789abcdef', ...headers },
    ...(method === 'GET' ? {} : { body: { string: '{}' } }),
  });
  const response = await options.handler(request, new InvocationContext());
  return { status: response.status, challenge: new Headers(response.headers).get('www-authenticate') };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('function registrations', () => {
  it('registers exactly the operations of the catalogue, each under its operationId', async () => {
    const all = await registrations({ CALLER_AUTH: 'functionKey' });
    const registeredOperations = all.map(([name, options]) => ({
      operationId: name,
      methods: options.methods,
      route: options.route,
    }));
    const described = API_OPERATIONS.map(({ operationId, method, route }) => ({
      operationId,
      methods: [method],
      route,
    }));
    const byId = (a: { operationId: string }, b: { operationId: string }) =>
      a.operationId.localeCompare(b.operationId);
    expect(registeredOperations.sort(byId)).toEqual(described.sort(byId));
  });

  it("the public routes are /health, the API descriptions, their reference page and the pages' files", () => {
    expect(PUBLIC_ROUTES.sort()).toEqual([
      'dashboard/{asset}',
      'docs',
      'docs/{asset}',
      'health',
      'openapi.json',
      'swagger.json',
    ]);
  });

  it('functionKey mode: the host asks for a key on every HTTP route except the public ones', async () => {
    const all = await registrations({ CALLER_AUTH: 'functionKey' });
    const anonymous = all.filter(([, options]) => (options.authLevel ?? 'anonymous') === 'anonymous');
    expect(anonymous.map(([, options]) => options.route).sort()).toEqual(PUBLIC_ROUTES.sort());
  });

  it('entraToken mode: no route but the public ones answers a request without a valid token', async () => {
    const all = await registrations({
      CALLER_AUTH: 'entraToken',
      CALLER_TENANT_ID: TENANT,
      CALLER_API_CLIENT_ID: API,
      // Never reached: a request without a well-formed token is refused before any key look-up.
      CALLER_JWKS_URL: 'http://127.0.0.1:9/discovery/v2.0/keys',
    });
    const isPublic = (options: HttpFunctionOptions) => PUBLIC_ROUTES.includes(options.route ?? '');
    const appGated = all.filter(
      ([, options]) => !isPublic(options) && (options.authLevel ?? 'anonymous') === 'anonymous',
    );
    expect(appGated.length).toBeGreaterThanOrEqual(10);
    for (const [name, options] of appGated) {
      await expect(invokeUnkeyed(options, {}), name).resolves.toEqual({ status: 401, challenge: 'Bearer' });
      await expect(
        invokeUnkeyed(options, {
          authorization: 'Bearer not.a-token',
          'x-ms-client-principal': Buffer.from(
            '{"claims":[{"typ":"roles","val":"Recovery.Admin"}]}',
          ).toString('base64'),
        }),
        name,
      ).resolves.toEqual({ status: 401, challenge: 'Bearer error="invalid_token"' });
    }
    const others = all.filter(
      ([, options]) => !isPublic(options) && !appGated.some(([, o]) => o === options),
    );
    for (const [name, options] of others) expect(options.authLevel, name).toBe('function');
  });
});
