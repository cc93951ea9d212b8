import { randomUUID } from 'node:crypto';

import { TableClient } from '@azure/data-tables';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type {
  LockoutReport,
  RegistrationReport,
  RegistrationUsersPage,
} from '../../src/lib/api/report-schemas';
import { DASHBOARD_CSP } from '../../src/lib/dashboard/dashboard-assets';
import type { FlagCategory, LockoutFlag, LockoutStatus } from '../../src/lib/detection/lockout-flag';
import { TELEPHONY_RETIREMENT } from '../../src/lib/registration/classify';
import { type AtRiskUser, DEFAULT_SNAPSHOTS_KEPT } from '../../src/lib/registration/snapshot';
import { createTableSnapshotStore } from '../../src/lib/registration/table-snapshot-store';
import { createTableLockoutStore } from '../../src/lib/storage/lockouts';
import { createTableSource, TABLES } from '../../src/lib/storage/tables';
import { BROWSER_AVAILABLE, type BrowserSession, openBrowser, saveScreenshot } from '../support/browser';
import { callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// The dashboard in Debian's Chromium against the local stack seeded with 12 weeks of history, plus
// flags and a snapshot of its own written through the app's stores,
// read with the demo reader's token, its figures checked against the report API's answers.

// A realistic history (npm start seeds the same), then a few flags and a snapshot of this test's own.
const stack = useStack({ history: { weeks: 12 } });
let browser: BrowserSession;

const HOUR_MS = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS).toISOString();

/** Flags now: what "Open now" must count (open + acknowledged per category; resolved ones not). */
const SEEDED_FLAGS: { category: FlagCategory; status: LockoutStatus; count: number }[] = [
  { category: 'lockout', status: 'open', count: 3 },
  { category: 'lockout', status: 'acknowledged', count: 1 },
  { category: 'lockout', status: 'resolved', count: 2 },
  { category: 'suspected_attack', status: 'open', count: 2 },
];
const HOSTILE_NAME = '<script>window.hostile=1</script><img src=x>';

function flag(category: FlagCategory, status: LockoutStatus, index: number): LockoutFlag {
  const userId = randomUUID();
  return {
    userId,
    userPrincipalName: `flagged${index}@contoso.onmicrosoft.com`,
    category,
    status,
    protected: false,
    lockoutAttempts: category === 'lockout' ? 3 : 0,
    attackAttempts: category === 'suspected_attack' ? 1 : 0,
    firstFailureAt: ago(30 + index),
    lastFailureAt: ago(29 + index),
    recentEvents: [],
    countedAttempts: [],
    openedAt: ago(29 + index),
    updatedAt: ago(2),
    ...(status === 'acknowledged' ? { acknowledgedAt: ago(3), ticket: 'INC0042' } : {}),
    ...(status === 'resolved' ? { resolvedAt: ago(1), ticket: 'INC0043' } : {}),
    openEventId: randomUUID(),
    reopenCount: 0,
  };
}

function atRiskUser(index: number, cls: 'sms_voice_only' | 'single_method'): AtRiskUser {
  return {
    // The hostile name's user sorts first, so it is among the users the page lists.
    userId: index === 0 ? '00000000-0000-4000-8000-000000000000' : randomUUID(),
    userPrincipalName: `atrisk${index}@contoso.onmicrosoft.com`,
    displayName: index === 0 ? HOSTILE_NAME : `At Risk ${index}`,
    audience: 'member',
    class: cls,
    methodsRegistered: cls === 'sms_voice_only' ? ['mobilePhone'] : ['microsoftAuthenticatorPush'],
    ...(cls === 'sms_voice_only' ? { telephonyEnds: TELEPHONY_RETIREMENT.toISOString().slice(0, 10) } : {}),
  };
}

/** Flags and one registration snapshot, written through the app's stores into the stack's Azurite. */
async function seed(): Promise<void> {
  const table = createTableSource((name) =>
    TableClient.fromConnectionString(stack().storageConnectionString, name, {
      allowInsecureConnection: true,
    }),
  );
  const lockouts = createTableLockoutStore({ table: () => table(TABLES.lockouts) });
  let index = 0;
  for (const { category, status, count } of SEEDED_FLAGS)
    for (let n = 0; n < count; n++) await lockouts.put(flag(category, status, index++), undefined);

  const snapshots = createTableSnapshotStore({
    table: () => table(TABLES.registrationSnapshots),
    snapshotsKept: DEFAULT_SNAPSHOTS_KEPT,
  });
  const users = [
    ...Array.from({ length: 25 }, (_, n) => atRiskUser(n, 'sms_voice_only')),
    ...Array.from({ length: 3 }, (_, n) => atRiskUser(100 + n, 'single_method')),
  ];
  const runId = `run-${Date.now()}`;
  const startedAt = ago(5);
  await snapshots.begin(runId, startedAt);
  await snapshots.writeAtRisk(runId, users);
  const committed = await snapshots.commit(
    {
      runId,
      startedAt,
      finishedAt: ago(4),
      users: 40,
      counts: { member: { sms_voice_only: 25, single_method: 3, ready: 12 }, guest: {}, protected: {} },
    },
    (await snapshots.current())?.etag,
  );
  expect(committed).toBe(true);
}

beforeAll(async () => {
  await seed();
  if (BROWSER_AVAILABLE) browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** What the tests read of a page element (this project compiles without the DOM's types). */
interface PageElement {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

interface WeekRow {
  from: string;
  to: string;
  figures: Record<string, string>;
}

/** Every figure the page shows, by name (`data-figure`), as its machine-readable value. */
async function pageFigures(page: Page): Promise<Record<string, string>> {
  const pairs = await page
    .locator('data[data-figure]')
    .evaluateAll((elements: PageElement[]): [string, string][] =>
      elements.map((element) => [
        element.getAttribute('data-figure') ?? '',
        element.getAttribute('value') ?? '',
      ]),
    );
  return Object.fromEntries(pairs);
}

/** A duration figure as the API answers it: seconds, or null when there was nothing to measure. */
const seconds = (value: string | undefined) => (value === '' || value === undefined ? null : Number(value));

async function apiJson<T>(path: string): Promise<T> {
  const answer = await callStack(stack(), 'GET', path, undefined, {}, 'reader');
  expect(answer.status, path).toBe(200);
  return answer.body as T;
}

/** The charts are drawn: a canvas of non-zero size in each chart box, no wider than the window. */
async function expectChartsDrawn(page: Page, viewportWidth: number) {
  for (const id of ['chart-recovery', 'chart-readiness']) {
    const canvas = page.locator(`#${id} canvas`);
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    expect(box?.width, id).toBeGreaterThan(0);
    expect(box?.height, id).toBeGreaterThan(0);
    expect(box!.x + box!.width, id).toBeLessThanOrEqual(viewportWidth);
  }
  // Nothing wider than the window: readable without scrolling sideways.
  await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(
    viewportWidth,
  );
}

function expectNothingWrong() {
  expect(browser.consoleErrors).toEqual([]);
  expect(browser.cspViolations).toEqual([]);
  expect(browser.blockedRequests).toEqual([]);
}

describe('GET /api/dashboard without a credential', () => {
  it('answers 401 problem+json and no page', async () => {
    const response = await fetch(`${stack().baseUrl}/dashboard`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('serves its files anonymously by name only; any other name is a 404 problem', async () => {
    const script = await fetch(`${stack().baseUrl}/dashboard/uPlot.iife.min.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const name of ['..%2Fpackage.json', 'uPlot.esm.js', 'index.html']) {
      const response = await fetch(`${stack().baseUrl}/dashboard/${name}`);
      expect(response.status, name).toBe(404);
      expect(response.headers.get('content-type'), name).toBe('application/problem+json');
    }
  });
});

describe.skipIf(!BROWSER_AVAILABLE)('GET /api/dashboard in a browser', () => {
  it('at 1280×800: loads under its CSP with no console error, no violation, no request off loopback; both charts drawn', async () => {
    const { page } = browser;
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${stack().callerTokens.reader}` });
    await page.setViewportSize({ width: 1280, height: 800 });
    const response = await page.goto(`${stack().baseUrl}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(DASHBOARD_CSP);
    await expectChartsDrawn(page, 1280);
    await saveScreenshot(page, 'dashboard-desktop');
    expectNothingWrong();
  });

  it('counts the flags open now as seeded, as GET /api/lockouts lists them', async () => {
    const figures = await pageFigures(browser.page);
    const listed = async (status: string, category: string) =>
      (await apiJson<{ lockouts: unknown[] }>(`/lockouts?status=${status}&category=${category}&limit=100`))
        .lockouts.length;
    const history = stack().history?.seeded.flags.unresolvedByCategory;
    expect(figures['now.lockout']).toBe(String((history?.lockout ?? NaN) + 4));
    expect(figures['now.suspected_attack']).toBe(String((history?.suspected_attack ?? NaN) + 2));
    expect(Number(figures['now.lockout'])).toBe(
      (await listed('open', 'lockout')) + (await listed('acknowledged', 'lockout')),
    );
    expect(Number(figures['now.suspected_attack'])).toBe(
      (await listed('open', 'suspected_attack')) + (await listed('acknowledged', 'suspected_attack')),
    );
  });

  it('shows the lockout report of the 12 weeks and of each week as GET /api/reports/lockouts answers it', async () => {
    const { page } = browser;
    const section = page.locator('section[data-from]');
    const [from, to] = [await section.getAttribute('data-from'), await section.getAttribute('data-to')];
    expect(Date.parse(to ?? '') - Date.parse(from ?? '')).toBe(84 * 24 * HOUR_MS);
    const quarter = await apiJson<LockoutReport>(`/reports/lockouts?from=${from}&to=${to}`);
    const figures = await pageFigures(page);
    expect({
      opened: Number(figures['quarter.opened']),
      resolved: Number(figures['quarter.resolved']),
      open: Number(figures['quarter.open']),
      median: seconds(figures['quarter.timeToRecover.median']),
      p90: seconds(figures['quarter.timeToRecover.p90']),
      suspectedAttacks: Number(figures['quarter.suspectedAttacks']),
      reLockouts: Number(figures['quarter.reLockoutsWithin7Days']),
    }).toEqual({
      ...quarter.lockouts,
      median: quarter.timeToRecover.median,
      p90: quarter.timeToRecover.p90,
      suspectedAttacks: quarter.suspectedAttacks,
      reLockouts: quarter.reLockoutsWithin7Days,
    });

    const weeks = await page.locator('tr[data-from]').evaluateAll((rows: PageElement[]): WeekRow[] =>
      rows.map((row) => ({
        from: row.getAttribute('data-from') ?? '',
        to: row.getAttribute('data-to') ?? '',
        figures: Object.fromEntries(
          [...row.querySelectorAll('data[data-figure]')].map((data) => [
            data.getAttribute('data-figure') ?? '',
            data.getAttribute('value') ?? '',
          ]),
        ),
      })),
    );
    expect(weeks).toHaveLength(12);
    expect(weeks.at(-1)?.to).toBe(to);
    for (const week of weeks) {
      const report = await apiJson<LockoutReport>(`/reports/lockouts?from=${week.from}&to=${week.to}`);
      expect(week.figures, week.from).toEqual({
        opened: String(report.lockouts.opened),
        resolved: String(report.lockouts.resolved),
        'timeToRecover.median':
          report.timeToRecover.median === null ? '' : String(report.timeToRecover.median),
        'timeToRecover.p90': report.timeToRecover.p90 === null ? '' : String(report.timeToRecover.p90),
      });
    }
  });

  it('shows registration readiness and the at-risk users as the registration report API answers them, user text inert', async () => {
    const { page } = browser;
    const report = await apiJson<RegistrationReport>('/reports/registration');
    const figures = await pageFigures(page);
    for (const audience of ['member', 'guest', 'protected'] as const)
      for (const cls of ['no_mfa', 'weak_only', 'sms_voice_only', 'single_method', 'ready'] as const)
        expect(figures[`registration.${audience}.${cls}`], `${audience} ${cls}`).toBe(
          String(report.latest?.counts[audience][cls] ?? 0),
        );
    expect(figures['registration.member.sms_voice_only']).toBe('25');

    const listed = await apiJson<RegistrationUsersPage>(
      '/reports/registration/users?class=sms_voice_only&limit=20',
    );
    const shown = await page.locator('.at-risk[data-class="sms_voice_only"] tbody .upn').allTextContents();
    expect(shown).toEqual(listed.users.map((user) => user.userPrincipalName));
    expect(shown).toHaveLength(20);
    await expect(page.locator('.at-risk[data-class="sms_voice_only"] a').getAttribute('href')).resolves.toBe(
      '/api/reports/registration/users?class=sms_voice_only',
    );
    // The hostile display name is text on the page, never markup that ran.
    await expect(page.getByText(HOSTILE_NAME, { exact: true }).count()).resolves.toBe(1);
    await expect(page.evaluate('window.hostile')).resolves.toBeUndefined();
  });

  it('at 390×844: the charts redraw to the narrower window; nothing scrolls sideways', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(
      "[...document.querySelectorAll('.chart canvas')].every((c) => c.getBoundingClientRect().right <= 390)",
    );
    await expectChartsDrawn(page, 390);
    await page.reload();
    await expectChartsDrawn(page, 390);
    await saveScreenshot(page, 'dashboard-phone');
    expectNothingWrong();
  });
});
