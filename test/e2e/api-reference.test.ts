import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { API_OPERATIONS } from '../../src/lib/api/operations';
import { BROWSER_AVAILABLE, type BrowserSession, openBrowser, saveScreenshot } from '../support/browser';
import { demoTenant } from '../support/demo-tenant';
import { useStack } from '../support/stack-fixture';

// The API reference page in Debian's Chromium against the local stack (entraToken mode): it loads
// everything from this origin, lists every operation, and "Try it out" calls the API.

const stack = useStack();
let browser: BrowserSession;

/** Swagger UI's block for an operation (`operations-<tag>-<operationId>`, whatever its tag). */
const operationBlock = (operationId: string) =>
  browser.page.locator(`[id^="operations-"][id$="-${operationId}"]`).first();

beforeAll(async () => {
  if (BROWSER_AVAILABLE) browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!BROWSER_AVAILABLE)('GET /api/docs in a browser', () => {
  it('loads with no console error, no CSP violation and no request leaving loopback', async () => {
    const { page } = browser;
    const response = await page.goto(`${stack().baseUrl}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'self';/);
    await page.locator('.opblock').first().waitFor();
    expect(browser.consoleErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.blockedRequests).toEqual([]);
  });

  it('shows the summary of every operation in the document', async () => {
    const document = (await (await fetch(`${stack().baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string; summary: string }>>;
    };
    const operations = Object.values(document.paths).flatMap((path) => Object.values(path));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      API_OPERATIONS.map((operation) => operation.operationId).sort(),
    );
    for (const { operationId, summary } of operations) {
      const description = operationBlock(operationId).locator('.opblock-summary-description');
      await expect(description.textContent(), operationId).resolves.toBe(summary);
      expect(await description.isVisible(), operationId).toBe(true);
    }
  });

  it("'Try it out' on GET /users/{user}/methods with the demo reader's token shows the seeded methods", async () => {
    const { page } = browser;
    const user = demoTenant().ordinaryUser;

    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.dialog-ux');
    await dialog.getByLabel('auth-bearer-value').fill(stack().callerTokens.reader);
    await dialog.locator('.auth-btn-wrapper button.authorize').click();
    await dialog.locator('button.btn-done').click();

    const operation = operationBlock('getUserMethods');
    await operation.locator('.opblock-summary-control').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('input[placeholder="user"]').fill(user.userPrincipalName);
    await operation.locator('button.execute').click();

    const live = operation.locator('.live-responses-table');
    await expect(live.locator('tbody tr.response .response-col_status').textContent()).resolves.toBe('200');
    const body = JSON.parse(
      (await live.locator('tbody .response-col_description .highlight-code pre').first().textContent()) ?? '',
    ) as { user: { id: string }; methods: { id: string }[] };
    expect(body.user.id).toBe(user.id);
    expect(body.methods.map((method) => method.id).sort()).toEqual([...user.methodIds].sort());

    const screenshot = await saveScreenshot(page, 'api-reference');
    expect(screenshot).toMatch(/test-results\/api-reference\.png$/);
    expect(browser.consoleErrors).toEqual([]);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.blockedRequests).toEqual([]);
  });
});

describe('the reference files over HTTP', () => {
  it('serves an allow-listed file anonymously, with its content type and the CSP', async () => {
    const response = await fetch(`${stack().baseUrl}/docs/swagger-ui.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
  });

  it.each(['..%2Fpackage.json', '..%2F..%2Fhost.json', 'index.html', 'swagger-ui-bundle.js.map'])(
    'answers 404 problem+json for %s',
    async (name) => {
      const response = await fetch(`${stack().baseUrl}/docs/${name}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'not_found' });
    },
  );
});
