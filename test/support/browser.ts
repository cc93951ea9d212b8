import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core never downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A machine without Chromium skips the browser tests and says so; `.ci/run` installs it and sets
 * REQUIRE_BROWSER=1, so in CI a missing browser fails instead of skipping.
 */
export const BROWSER_AVAILABLE = existsSync(CHROMIUM_PATH) || process.env.REQUIRE_BROWSER === '1';
if (!BROWSER_AVAILABLE) {
  console.warn(`No Chromium at ${CHROMIUM_PATH}: browser tests skipped (apt-get install chromium).`);
}

const RESULTS_DIR = path.resolve(__dirname, '../../test-results');

export interface BrowserSession {
  page: Page;
  /** Every request the page tried to send beyond loopback (each was aborted). */
  blockedRequests: string[];
  /** Console errors and uncaught page errors, in order. */
  consoleErrors: string[];
  /** Content-Security-Policy violations the page reported, as `directive blocked-uri`. */
  cspViolations: string[];
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** Whether a request stays on this machine; `data:` and `blob:` URLs never reach the network. */
function staysLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return LOOPBACK_HOSTS.test(hostname);
}

/**
 * A fresh headless Chromium page that cannot leave loopback and records what went wrong. The
 * sandbox needs user namespaces root does not get, so `--no-sandbox` is passed only as root.
 */
export async function openBrowser(): Promise<BrowserSession> {
  const runsAsRoot = process.getuid?.() === 0;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: runsAsRoot ? ['--no-sandbox'] : [],
  });
  const blockedRequests: string[] = [];
  const consoleErrors: string[] = [];
  const cspViolations: string[] = [];
  try {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (staysLocal(url)) return await route.continue();
      blockedRequests.push(url);
      await route.abort('blockedbyclient');
    });
    await context.exposeBinding('reportCspViolation', (_source, violation: string) => {
      cspViolations.push(violation);
    });
    // Injected by the browser itself, so the page's CSP does not apply to this listener.
    await context.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(event.violatedDirective + ' ' + event.blockedURI);
    });`);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    return { page, blockedRequests, consoleErrors, cspViolations, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Saves a full-page screenshot as `test-results/<name>.png` and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
