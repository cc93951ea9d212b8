import { describe, expect, it } from 'vitest';

import { renderDashboard } from '../../../src/lib/dashboard/render-dashboard';
import { dashboardData, registrationReport } from './dashboard-fixture';

const PAGE = '/api/dashboard';

/** Every `<data data-figure value>` of a piece of HTML, in order, as [name, value, text]. */
function figures(html: string): [string, string, string][] {
  return [...html.matchAll(/<data data-figure="([^"]*)" value="([^"]*)">([^<]*)<\/data>/g)].map((match) => [
    match[1] ?? '',
    match[2] ?? '',
    match[3] ?? '',
  ]);
}

/** The value of the one figure with this name. */
function figure(html: string, name: string): string | undefined {
  const found = figures(html).filter(([figureName]) => figureName === name);
  expect(found, name).toHaveLength(1);
  return found[0]?.[1];
}

/** The rows of the weekly table, as their period and their figures. */
function weekRows(html: string) {
  return [...html.matchAll(/<tr data-from="([^"]*)" data-to="([^"]*)">(.*?)<\/tr>/g)].map((match) => ({
    from: match[1],
    to: match[2],
    figures: Object.fromEntries(figures(match[3] ?? '').map(([name, value]) => [name, value])),
  }));
}

describe('renderDashboard', () => {
  const data = dashboardData();
  const html = renderDashboard(data, { pagePath: PAGE });

  it('shows the flags open now per category, and how many of them are acknowledged', () => {
    expect(figure(html, 'now.lockout')).toBe('7');
    expect(figure(html, 'now.lockout.acknowledged')).toBe('2');
    expect(figure(html, 'now.suspected_attack')).toBe('4');
    expect(figure(html, 'now.suspected_attack.acknowledged')).toBe('1');
    expect(figure(html, 'now.post_recovery_anomaly')).toBe('4');
    expect(html).not.toContain('lower bound');
  });

  it('says the open counts are lower bounds when there were more flags than it read', () => {
    const truncated = dashboardData({ openFlags: { ...data.openFlags, truncated: true } });
    expect(renderDashboard(truncated, { pagePath: PAGE })).toContain('each count is a lower bound');
  });

  it("shows every figure of the 12 weeks' lockout report", () => {
    const expected: Record<string, string> = {
      'quarter.opened': '1010',
      'quarter.resolved': '1007',
      'quarter.open': '3',
      'quarter.timeToRecover.median': '4600',
      'quarter.timeToRecover.p90': '19000',
      'quarter.detectionDelay.median': '1240',
      'quarter.detectionDelay.p90': '1900',
      'quarter.reLockoutsWithin7Days': '1100',
      'quarter.suspectedAttacks': '1200',
      'quarter.protectedRefusals': '1300',
      'quarter.postRecoveryAnomalies': '1400',
      'quarter.resolutionsByAction.mfa.recover': '1004',
      'quarter.resolutionsByAction.tap.issue': '2',
      'quarter.resolutionsByAction.lockout.resolve': '1',
      'quarter.resolutionsByAction.mfa.reset': '0',
    };
    for (const [name, value] of Object.entries(expected)) expect(figure(html, name), name).toBe(value);
  });

  it('writes durations for people and keeps the seconds in the value', () => {
    expect(html).toContain('<data data-figure="quarter.timeToRecover.median" value="4600">1 h 17 min</data>');
    expect(html).toContain('<data data-figure="quarter.timeToRecover.p90" value="19000">5 h 17 min</data>');
    expect(html).toContain('<data data-figure="quarter.detectionDelay.median" value="1240">21 min</data>');
  });

  it('has one row per week, oldest first, with its period, lockouts and time to recover', () => {
    const rows = weekRows(html);
    expect(rows).toHaveLength(12);
    for (const [index, row] of rows.entries()) {
      const week = data.weeks[index]!;
      expect(row.from).toBe(week.from);
      expect(row.to).toBe(week.to);
      expect(row.figures).toEqual({
        opened: String(10 + index),
        resolved: String(7 + index),
        'timeToRecover.median': index === 3 ? '' : String(3600 + index),
        'timeToRecover.p90': index === 3 ? '' : String(5 * 3600 + index),
      });
    }
    expect(html).toMatch(/<td><data data-figure="timeToRecover.median" value="">—<\/data><\/td>/);
  });

  it('shows the latest count of every class for members, guests and protected accounts, absent ones as 0', () => {
    const expected = {
      member: { ready: 530, single_method: 41, sms_voice_only: 42, weak_only: 43, no_mfa: 44 },
      guest: { ready: 52, single_method: 0, sms_voice_only: 0, weak_only: 0, no_mfa: 51 },
      protected: { ready: 61, single_method: 62, sms_voice_only: 0, weak_only: 0, no_mfa: 0 },
    };
    for (const [audience, classes] of Object.entries(expected))
      for (const [cls, count] of Object.entries(classes))
        expect(figure(html, `registration.${audience}.${cls}`), `${audience} ${cls}`).toBe(String(count));
    expect(figure(html, 'registration.users')).toBe('1530');
  });

  it('counts down to the end of Microsoft-provided SMS and voice, and says nothing of it with a custom provider', () => {
    expect(figure(html, 'telephonyRetirement.days')).toBe('57');
    expect(html).toContain('<time datetime="2027-02-01T00:00:00.000Z">1 Feb 2027</time>');
    const custom = renderDashboard(
      dashboardData({ registration: registrationReport({ telephonyProvider: 'custom' }) }),
      { pagePath: PAGE },
    );
    expect(custom).not.toContain('data-figure="telephonyRetirement.days"');
    expect(custom).toContain("tenant's own provider");
  });

  it('says when no scan has finished yet', () => {
    const none = renderDashboard(
      dashboardData({ registration: registrationReport({ latest: null, trend: [] }) }),
      { pagePath: PAGE },
    );
    expect(none).toContain('No registration scan has finished yet.');
    expect(none).not.toContain('id="chart-readiness"');
  });

  it('lists the at-risk users with the date that matters, and links to the report API for the rest', () => {
    expect(html).toContain('johanna@contoso.example');
    expect(html).toContain('<time datetime="2027-02-01">1 Feb 2027</time>');
    expect(figure(html, 'atRisk.sms_voice_only')).toBe('42');
    expect(figure(html, 'atRisk.single_method')).toBe('103');
    expect(html).toContain(
      '<a href="/api/reports/registration/users?class=sms_voice_only">/api/reports/registration/users?class=sms_voice_only</a>',
    );
    expect(html).not.toContain('class=single_method"');
  });

  it('renders user text inert: a display name or UPN holding markup is escaped', () => {
    expect(html).toContain('Johanna &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Co&#34;');
    expect(html).toContain('grady&#60;img src=x&#62;@contoso.example');
    expect(html).not.toContain('<img');
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="application/json" id="dashboard-data">',
      '<script src="/api/dashboard/uPlot.iife.min.js">',
      '<script src="/api/dashboard/dashboard.js">',
    ]);
  });

  it('has no inline script or style, and loads only its own files', () => {
    expect(html).not.toMatch(/<style|\sstyle=|\son\w+=/i);
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    expect(urls.filter((url) => !url?.startsWith('/api/reports/')).sort()).toEqual([
      '/api/dashboard/dashboard.css',
      '/api/dashboard/dashboard.js',
      '/api/dashboard/uPlot.iife.min.js',
      '/api/dashboard/uPlot.min.css',
    ]);
  });

  it('embeds the chart series as JSON: time to recover in hours per week, members per class per scan', () => {
    const json = /<script type="application\/json" id="dashboard-data">([^<]*)<\/script>/.exec(html)?.[1];
    const charts = JSON.parse(json ?? '') as {
      recovery: { x: number[]; median: (number | null)[]; p90: (number | null)[] };
      readiness: { x: number[]; series: { class: string; values: number[] }[] };
    };
    expect(charts.recovery.x).toEqual(data.weeks.map((week) => Date.parse(week.from) / 1000));
    expect(charts.recovery.median[0]).toBe(1);
    expect(charts.recovery.median[3]).toBeNull();
    expect(charts.recovery.p90[0]).toBe(5);
    expect(charts.readiness.x).toEqual([
      Date.parse('2026-11-20T02:31:00Z') / 1000,
      Date.parse('2026-12-05T02:31:00Z') / 1000,
    ]);
    expect(charts.readiness.series.find((series) => series.class === 'ready')?.values).toEqual([500, 530]);
  });

  it('builds its links from the page path, below any prefix and with a trailing slash', () => {
    const prefixed = renderDashboard(data, { pagePath: '/tenant&x/api/dashboard/' });
    expect(prefixed).toContain('<script src="/tenant&#38;x/api/dashboard/dashboard.js">');
    expect(prefixed).toContain('href="/tenant&#38;x/api/reports/registration/users?class=sms_voice_only"');
  });
});
