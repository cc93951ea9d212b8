import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  REFERENCE_ASSETS,
  referenceAssetResponse,
  referencePageResponse,
} from '../../../src/lib/api/reference-page';

const DIST = path.resolve(__dirname, '../../../node_modules/swagger-ui-dist');
const header = (response: HttpResponseInit, name: string) => new Headers(response.headers).get(name);
/** The body of a text answer (the page and the init script are strings). */
function text(response: HttpResponseInit): string {
  expect(typeof response.body).toBe('string');
  return response.body as string;
}

describe('the API reference page', () => {
  const page = referencePageResponse('http://localhost:7071/api/docs');
  const html = text(page);

  it('is HTML under a CSP that allows only this origin, with no inline script or style', () => {
    expect(page.status).toBe(200);
    expect(header(page, 'content-type')).toBe('text/html; charset=utf-8');
    const csp = header(page, 'content-security-policy') ?? '';
    expect(csp.split(';')[0]).toBe("default-src 'self'");
    expect(csp).not.toMatch(/unsafe-|https?:|\*/);
    expect(header(page, 'x-content-type-options')).toBe('nosniff');
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/api/docs/swagger-ui-bundle.js">',
      '<script src="/api/docs/init.js">',
    ]);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]/);
    expect(html).not.toMatch(/<style|\sstyle=|\son\w+=/i);
  });

  it('loads only allow-listed files of this origin and the same-origin document', () => {
    const urls = [...html.matchAll(/(?:src|href|data-document-url)="([^"]*)"/g)].map((match) => match[1]);
    expect(urls.sort()).toEqual(
      [
        '/api/docs/favicon-32x32.png',
        '/api/docs/init.js',
        '/api/docs/swagger-ui-bundle.js',
        '/api/docs/swagger-ui.css',
        '/api/openapi.json',
      ].sort(),
    );
    expect(Object.keys(REFERENCE_ASSETS).sort()).toEqual(
      ['favicon-32x32.png', 'init.js', 'swagger-ui-bundle.js', 'swagger-ui.css'].sort(),
    );
  });

  it('builds its URLs from the request path, with or without a trailing slash', () => {
    const body = text(referencePageResponse('http://127.0.0.1:1234/api/docs/'));
    expect(body).toContain('data-document-url="/api/openapi.json"');
    expect(body).toContain('<script src="/api/docs/init.js">');
  });
});

describe('the API reference assets', () => {
  it.each([
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['favicon-32x32.png', 'image/png'],
  ])('serves %s from swagger-ui-dist as %s, under the same CSP', async (name, contentType) => {
    const response = await referenceAssetResponse(name);
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe(contentType);
    expect(header(response, 'content-security-policy')).toMatch(/^default-src 'self';/);
    expect(Buffer.compare(response.body as Buffer, readFileSync(path.join(DIST, name)))).toBe(0);
  });

  it('serves the init script, which never calls the public validator', async () => {
    const response = await referenceAssetResponse('init.js');
    expect(header(response, 'content-type')).toBe('text/javascript; charset=utf-8');
    expect(text(response)).toContain('validatorUrl: null');
    expect(text(response)).not.toMatch(/https?:/);
  });

  it.each([
    '../package.json',
    '..%2Fpackage.json',
    'package.json',
    'index.html',
    'swagger-initializer.js',
    'swagger-ui-bundle.js.map',
    'SWAGGER-UI.CSS',
    '/etc/passwd',
    '',
    'constructor',
    '__proto__',
    'toString',
  ])('answers not_found for %j', async (name) => {
    await expect(referenceAssetResponse(name)).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });
});
