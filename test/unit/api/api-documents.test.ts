import SwaggerParser from '@apidevtools/swagger-parser';
/* eslint-disable @typescript-eslint/no-unsafe-assignment -- expect.objectContaining() matchers are typed any */
import { describe, expect, it } from 'vitest';

import type { ApiSecurity } from '../../../src/lib/api/api-security';
import { buildOpenApiDocument, errorCodesOf, openApiPath } from '../../../src/lib/api/openapi-document';
import { API_OPERATIONS } from '../../../src/lib/api/operations';
import { buildSwaggerDocument } from '../../../src/lib/api/swagger-document';
import { PROBLEMS } from '../../../src/lib/http/problem';

const TOKEN: ApiSecurity = {
  mode: 'entraToken',
  tenantId: '2f85a001-1450-4f57-8ed3-c840c8849cd8',
  appIdUri: 'api://5d0f8e34-3c3a-4a0e-9d61-0a4b1f6c2e77',
};
const KEY: ApiSecurity = { mode: 'functionKey' };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, unknown>; schema?: unknown }>;
};

/** Every (method, path, operationId) a document describes. */
function described(paths: Record<string, Record<string, unknown>> | undefined) {
  return Object.entries(paths ?? {})
    .flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(
          ([method, operation]) => `${method.toUpperCase()} ${path} ${(operation as Operation).operationId}`,
        ),
    )
    .sort();
}

const catalogue = API_OPERATIONS.map(
  (operation) => `${operation.method} ${openApiPath(operation.route)} ${operation.operationId}`,
).sort();

const operationsOf = (paths: Record<string, Record<string, unknown>> | undefined) =>
  Object.values(paths ?? {}).flatMap((item) => Object.values(item) as Operation[]);

// The parser dereferences in place: give it a copy.
const copy = <T>(value: T): T => structuredClone(value);

describe('the OpenAPI 3.1 and Swagger 2.0 documents', () => {
  it.each([KEY, TOKEN])('are valid documents (swagger-parser) in $mode mode', async (security) => {
    await expect(
      SwaggerParser.validate(copy(buildOpenApiDocument(security)) as never),
    ).resolves.toBeDefined();
    await expect(
      SwaggerParser.validate(copy(buildSwaggerDocument(security)) as never),
    ).resolves.toBeDefined();
  });

  it('describe exactly the operations of the catalogue, each under its operationId', () => {
    expect(described(buildOpenApiDocument().paths as never)).toEqual(catalogue);
    expect(described(buildSwaggerDocument().paths)).toEqual(catalogue);
  });

  it('list every problem code an operation can answer as problem+json under its status', () => {
    const document = buildOpenApiDocument();
    for (const operation of API_OPERATIONS) {
      const responses = document.paths?.[openApiPath(operation.route)]?.[
        operation.method.toLowerCase() as 'get'
      ]?.responses as Record<string, { description: string; content: Record<string, { examples: object }> }>;
      for (const code of errorCodesOf(operation)) {
        const response = responses[String(PROBLEMS[code].status)];
        expect(response?.description, `${operation.operationId} ${code}`).toContain(`\`${code}\``);
        expect(Object.keys(response?.content['application/problem+json']?.examples ?? {})).toContain(code);
      }
    }
  });

  it('a mutating action documents Idempotency-Key (required) and Approval-Id; every operation x-correlation-id', () => {
    const reset = buildOpenApiDocument().paths?.['/users/{user}/mfa/reset']?.post as Operation;
    expect(reset.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
        expect.objectContaining({ name: 'Approval-Id', in: 'header', required: false }),
      ]),
    );
    for (const operation of operationsOf(buildSwaggerDocument().paths)) {
      expect(operation.parameters?.map((parameter) => parameter.name)).toContain('x-correlation-id');
    }
  });

  it('functionKey mode: an apiKey scheme in the x-functions-key header, required by every non-public operation', () => {
    const document = buildOpenApiDocument(KEY);
    expect(document.components?.securitySchemes).toEqual({
      functionKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-functions-key' }),
    });
    const swagger = buildSwaggerDocument(KEY);
    expect(swagger.securityDefinitions).toEqual({
      functionKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-functions-key' }),
    });
    const secured = operationsOf(document.paths as never).filter((operation) => operation.security?.length);
    const publicCount = API_OPERATIONS.filter((operation) => operation.access === 'public').length;
    expect(secured).toHaveLength(API_OPERATIONS.length - publicCount);
    for (const operation of secured) expect(operation.security).toEqual([{ functionKey: [] }]);
  });

  it("entraToken mode: a bearer scheme (3.1) and OAuth2 client credentials with the tenant's token URL (2.0)", () => {
    expect(buildOpenApiDocument(TOKEN).components?.securitySchemes).toEqual({
      entraToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(buildSwaggerDocument(TOKEN).securityDefinitions).toEqual({
      entraToken: expect.objectContaining({
        type: 'oauth2',
        flow: 'application',
        tokenUrl: `https://login.microsoftonline.com/${TOKEN.tenantId}/oauth2/v2.0/token`,
        scopes: { [`${TOKEN.appIdUri}/.default`]: expect.any(String) },
      }),
    });
  });

  it('describe the web pages as text/html and their files as scripts, stylesheets and images', () => {
    const document = buildOpenApiDocument();
    const swagger = buildSwaggerDocument();
    const expected = {
      '/docs': ['text/html'],
      '/dashboard': ['text/html'],
      '/docs/{asset}': ['text/javascript', 'text/css', 'image/png'],
      '/dashboard/{asset}': ['text/javascript', 'text/css', 'image/png'],
    };
    for (const [path, mediaTypes] of Object.entries(expected)) {
      const ok = (document.paths?.[path]?.get?.responses as Record<string, { content: object }>)['200'];
      expect(Object.keys(ok?.content ?? {}), path).toEqual(mediaTypes);
      expect(swagger.paths[path]?.get?.produces, path).toEqual([...mediaTypes, 'application/problem+json']);
    }
    const json = swagger.paths['/lockouts']?.get;
    expect(json).not.toHaveProperty('produces');
  });

  it('the dashboard needs Recovery.Read; a missing file of a page is a documented 404', () => {
    const document = buildOpenApiDocument(KEY);
    expect(document.paths?.['/dashboard']?.get?.security).toEqual([{ functionKey: [] }]);
    for (const path of ['/docs/{asset}', '/dashboard/{asset}'])
      expect(Object.keys(document.paths?.[path]?.get?.responses ?? {}), path).toContain('404');
  });

  it('shows an example body for every operation that takes one', () => {
    const swagger = buildSwaggerDocument();
    for (const operation of API_OPERATIONS.filter((entry) => entry.body)) {
      const body = swagger.paths[openApiPath(operation.route)]?.[operation.method.toLowerCase()]
        ?.parameters as {
        in: string;
        schema: { example?: unknown };
      }[];
      expect(
        body.find((parameter) => parameter.in === 'body')?.schema.example,
        operation.operationId,
      ).toBeDefined();
    }
  });
});
