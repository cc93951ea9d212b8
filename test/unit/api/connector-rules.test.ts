/* eslint-disable @typescript-eslint/no-unsafe-assignment -- expect.any() matchers are typed any */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';

import { connectorFiles, RARELY_USED_PARAMETERS } from '../../../src/lib/api/connector-definition';
import { API_OPERATIONS } from '../../../src/lib/api/operations';

// Microsoft's rules for custom connectors, one test each (docs/api.md cites the pages).
const CONNECTOR_DIR = path.resolve(__dirname, '../../../connector');
const committed = (name: string) => readFileSync(path.join(CONNECTOR_DIR, name), 'utf8');

type Json = Record<string, unknown>;
const definition = JSON.parse(committed('apiDefinition.swagger.json')) as Json & {
  info: { title: string; description: string };
  paths: Record<string, Record<string, Json>>;
  definitions: Record<string, Json>;
};
const operations = Object.values(definition.paths).flatMap((item) => Object.values(item));
const parameters = operations.flatMap((operation) => (operation.parameters ?? []) as Json[]);

/** Every node of a JSON value with the path to it. */
function* walk(value: unknown, at = '$'): Generator<[string, Json]> {
  if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* walk(item, `${at}[${index}]`);
  else if (typeof value === 'object' && value !== null) {
    yield [at, value as Json];
    for (const [key, item] of Object.entries(value)) yield* walk(item, `${at}.${key}`);
  }
}

/** Every property of every schema (bodies, responses, definitions). */
const schemaProperties: [string, Json][] = [...walk(definition)].flatMap(([at, node]) =>
  at.endsWith('.properties')
    ? Object.entries(node).map(([name, property]): [string, Json] => [`${at}.${name}`, property as Json])
    : [],
);

describe('connector/: Microsoft custom-connector rules', () => {
  it('the committed files are what `npm run connector` generates', () => {
    for (const [name, text] of Object.entries(connectorFiles())) expect(committed(name), name).toBe(text);
  });

  it('apiDefinition.swagger.json is a valid Swagger 2.0 document', async () => {
    expect(definition.swagger).toBe('2.0');
    await expect(SwaggerParser.validate(structuredClone(definition) as never)).resolves.toBeDefined();
  });

  it('describes every operation of the catalogue but the web pages and their files', () => {
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      API_OPERATIONS.filter((operation) => !operation.page)
        .map((operation) => operation.operationId.charAt(0).toUpperCase() + operation.operationId.slice(1))
        .sort(),
    );
  });

  it('has no action that answers a web page or a file', () => {
    for (const operationId of [
      'GetApiReference',
      'GetApiReferenceAsset',
      'GetDashboard',
      'GetDashboardAsset',
    ])
      expect(operations.map((operation) => operation.operationId)).not.toContain(operationId);
    for (const operation of operations)
      expect(operation, String(operation.operationId)).not.toHaveProperty('produces');
  });

  it('info.title has at most 30 characters', () => {
    expect(definition.info.title.length).toBeGreaterThan(0);
    expect(definition.info.title.length).toBeLessThanOrEqual(30);
  });

  it('operationIds are PascalCase', () => {
    for (const operation of operations) expect(operation.operationId).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });

  it('summaries have at most 80 characters, no slash, and end in a letter or digit', () => {
    for (const operation of operations) {
      const summary = operation.summary as string;
      expect(summary.length, summary).toBeLessThanOrEqual(80);
      expect(summary, summary).not.toContain('/');
      expect(summary, summary).toMatch(/[A-Za-z0-9)]$/);
    }
  });

  it('every description ends with a period', () => {
    const descriptions = [...walk(definition)].flatMap(([at, node]) =>
      typeof node.description === 'string' ? [[at, node.description]] : [],
    );
    expect(descriptions.length).toBeGreaterThan(operations.length);
    for (const [at, description] of descriptions) expect(description, at).toMatch(/\.$/);
  });

  it('every parameter and every response property has x-ms-summary', () => {
    expect(parameters.length).toBeGreaterThan(0);
    for (const parameter of parameters)
      expect(parameter['x-ms-summary'], String(parameter.name)).toEqual(expect.any(String));
    expect(schemaProperties.length).toBeGreaterThan(0);
    for (const [at, property] of schemaProperties)
      expect(property['x-ms-summary'], at).toEqual(expect.any(String));
  });

  it('rarely used parameters are x-ms-visibility advanced, required ones never', () => {
    const rare = parameters.filter((parameter) => RARELY_USED_PARAMETERS.has(String(parameter.name)));
    expect(rare.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['Approval-Id', 'x-correlation-id']),
    );
    for (const parameter of rare)
      expect(parameter['x-ms-visibility'], String(parameter.name)).toBe('advanced');
    for (const parameter of parameters.filter((parameter) => parameter.required === true)) {
      expect(parameter['x-ms-visibility'], String(parameter.name)).not.toBe('advanced');
    }
  });

  it('uses no allOf, oneOf or anyOf', () => {
    for (const [at, node] of walk(definition)) {
      for (const keyword of ['allOf', 'oneOf', 'anyOf'])
        expect(node, `${at}.${keyword}`).not.toHaveProperty(keyword);
    }
  });

  it('is smaller than 1 MB and has at most 256 operations', () => {
    expect(Buffer.byteLength(committed('apiDefinition.swagger.json'))).toBeLessThan(1024 * 1024);
    expect(operations.length).toBeLessThanOrEqual(256);
  });

  it('signs in with Entra: OAuth2 in the definition, the aad identity provider for the App ID URI in apiProperties.json', () => {
    expect(definition.securityDefinitions).toEqual({
      entraToken: expect.objectContaining({ type: 'oauth2', flow: 'accessCode' }),
    });
    const properties = JSON.parse(committed('apiProperties.json')) as {
      properties: { connectionParameters: { token: { oAuthSettings: Json & { customParameters: Json } } } };
    };
    const oauth = properties.properties.connectionParameters.token.oAuthSettings;
    expect(oauth.identityProvider).toBe('aad');
    expect(oauth.customParameters.resourceUri).toEqual({ value: expect.stringMatching(/^api:\/\//) });
  });
});
