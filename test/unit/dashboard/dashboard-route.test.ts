import { readFileSync } from 'node:fs';
import path from 'node:path';

import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

import { makeDashboardHandler } from '../../../src/functions/dashboard';
import { REFERENCE_PAGE_CSP } from '../../../src/lib/api/reference-page';
import {
  DASHBOARD_ASSETS,
  DASHBOARD_CSP,
  dashboardAssetResponse,
} from '../../../src/lib/dashboard/dashboard-assets';
import { testCaller } from '../../support/callers';
import { chosen } from '../../support/chosen-caller';
import { dashboardDeps, NOW } from './dashboard-fixture';

// The caller is chosen by each test; the role check itself is the real one.
vi.mock('../../../src/lib/auth/authenticate', async () => {
  const { chosenCallerAuthentication } = await vi.importActual<typeof import('../../support/chosen-caller')>(
    '../../support/chosen-caller',
  );
  return chosenCallerAuthentication;
});

const UPLOT = path.resolve(__dirname, '../../../node_modules/uplot/dist');
const header = (response: HttpResponseInit, name: string) => new Headers(response.headers).get(name);

let depsRead = 0;
const deps = () => {
  depsRead += 1;
  return dashboardDeps().value;
};

const handler = makeDashboardHandler(deps, () => NOW);
const get = (url = 'http://localhost:7071/api/dashboard') =>
  handler(new HttpRequest({ method: 'GET', url }), new InvocationContext());

describe('GET /api/dashboard', () => {
  it('is an HTML page under the dashboard CSP, never stored by a cache', async () => {
    chosen.caller = testCaller({ roles: ['Recovery.Read'] });
    const response = await get();
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe('text/html; charset=utf-8');
    expect(header(response, 'content-security-policy')).toBe(DASHBOARD_CSP);
    expect(header(response, 'cache-control')).toBe('no-store');
    expect(header(response, 'x-content-type-options')).toBe('nosniff');
    expect(header(response, 'referrer-policy')).toBe('no-referrer');
    expect(response.body).toContain('<data data-figure="quarter.opened" value="22">22</data>');
  });

  it('refuses a caller without Recovery.Read before reading anything', async () => {
    chosen.caller = testCaller({ roles: ['Recovery.Reset'] });
    const before = depsRead;
    const response = await get();
    expect(response.status).toBe(403);
    expect(header(response, 'content-type')).toBe('application/problem+json');
    expect(depsRead).toBe(before);
  });
});

describe('the dashboard CSP', () => {
  const directives = (csp: string) =>
    new Map(
      csp.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );

  it("is the reference page's, without data: images", () => {
    const reference = directives(REFERENCE_PAGE_CSP);
    reference.delete('img-src');
    expect(directives(DASHBOARD_CSP)).toEqual(reference);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe-|data:|https?:|\*/);
  });
});

describe('the dashboard files', () => {
  it.each([
    ['uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
    ['uPlot.min.css', 'text/css; charset=utf-8'],
  ])('serves %s from uplot/dist as %s, under the same CSP', async (name, contentType) => {
    const response = await dashboardAssetResponse(name);
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe(contentType);
    expect(header(response, 'content-security-policy')).toBe(DASHBOARD_CSP);
    expect(Buffer.compare(response.body as Buffer, readFileSync(path.join(UPLOT, name)))).toBe(0);
  });

  it.each([
    ['dashboard.js', 'text/javascript; charset=utf-8', "document.getElementById('dashboard-data')"],
    ['dashboard.css', 'text/css; charset=utf-8', '@media (max-width: 600px)'],
  ])("serves the page's own %s as %s", async (name, contentType, excerpt) => {
    const response = await dashboardAssetResponse(name);
    expect(header(response, 'content-type')).toBe(contentType);
    expect(response.body).toContain(excerpt);
    expect(response.body).not.toMatch(/https?:/);
  });

  it('serves exactly these four names', () => {
    expect(Object.keys(DASHBOARD_ASSETS).sort()).toEqual(
      ['dashboard.css', 'dashboard.js', 'uPlot.iife.min.js', 'uPlot.min.css'].sort(),
    );
  });

  it.each([
    '../package.json',
    '..%2Fpackage.json',
    'uPlot.esm.js',
    'uPlot.cjs.js',
    'UPLOT.MIN.CSS',
    'init.js',
    'swagger-ui.css',
    '/etc/passwd',
    '',
    'constructor',
    '__proto__',
    'hasOwnProperty',
  ])('answers not_found for %j', async (name) => {
    await expect(dashboardAssetResponse(name)).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });
});
