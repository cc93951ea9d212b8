import { escapeHtml } from '../api/page-assets';
import type { LockoutReport, RegistrationReport } from '../api/report-schemas';
import { FLAG_CATEGORIES } from '../detection/lockout-flag';
import { REGISTRATION_CLASSES, type RegistrationClass } from '../registration/classify';
import { type ChartData, chartData } from './chart-data';
import type { AtRiskList, DashboardData, HelpdeskRiskClass } from './dashboard-data';
import { daysUntil, formatDate, formatDateTime, formatDuration } from './format';

export const CLASS_LABELS: Record<RegistrationClass, string> = {
  no_mfa: 'No MFA',
  weak_only: 'Weak methods only',
  sms_voice_only: 'SMS or voice only',
  single_method: 'Single method',
  ready: 'Ready',
};

const CATEGORY_LABELS = {
  lockout: 'Lockouts',
  suspected_attack: 'Suspected attacks',
  post_recovery_anomaly: 'Post-recovery anomalies',
} as const;

const AUDIENCES = ['member', 'guest', 'protected'] as const;
const AUDIENCE_LABELS = { member: 'Members', guest: 'Guests', protected: 'Protected' } as const;

const RESOLUTION_LABELS: Record<keyof LockoutReport['resolutionsByAction'], string> = {
  'mfa.recover': 'Recover (reset + pass)',
  'mfa.reset': 'MFA reset',
  'tap.issue': 'Temporary Access Pass',
  'lockout.resolve': 'Closed by a person',
};

const html = escapeHtml;

/**
 * A figure as text a person reads and a value a program reads (`<data value>`): a test finds it by
 * `data-figure`. A duration's value is in seconds; an absent one (no lockouts) is empty.
 */
function figure(name: string, value: number | null, text = value === null ? '—' : String(value)): string {
  return `<data data-figure="${html(name)}" value="${value === null ? '' : value}">${html(text)}</data>`;
}

const duration = (name: string, seconds: number | null) =>
  figure(name, seconds, seconds === null ? '—' : formatDuration(seconds));

function card(label: string, body: string, note = ''): string {
  return `<div class="card"><h3>${html(label)}</h3><p class="figure">${body}</p>${note ? `<p class="note">${note}</p>` : ''}</div>`;
}

/** One HTML table: a caption, column headings and rows of already escaped cells. */
function table(caption: string, headings: readonly string[], rows: readonly string[]): string {
  return `<div class="table-wrap"><table><caption>${html(caption)}</caption><thead><tr>${headings
    .map((heading) => `<th scope="col">${html(heading)}</th>`)
    .join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function openNow(data: DashboardData): string {
  const { counts, truncated } = data.openFlags;
  const atLeast = truncated
    ? '<p class="note">More flags than one view reads: each count is a lower bound.</p>'
    : '';
  const cards = FLAG_CATEGORIES.map((category) => {
    const { open, acknowledged } = counts[category];
    return card(
      CATEGORY_LABELS[category],
      figure(`now.${category}`, open + acknowledged),
      `${figure(`now.${category}.acknowledged`, acknowledged)} acknowledged`,
    );
  });
  return `<section aria-labelledby="now-title"><h2 id="now-title">Open now</h2><div class="cards">${cards.join('')}</div>${atLeast}</section>`;
}

function quarterSummary(report: LockoutReport): string {
  const q = (name: string) => `quarter.${name}`;
  const cards = [
    card(
      'Lockouts',
      figure(q('opened'), report.lockouts.opened),
      `${figure(q('resolved'), report.lockouts.resolved)} resolved, ${figure(q('open'), report.lockouts.open)} still open`,
    ),
    card(
      'Time to recover',
      `${duration(q('timeToRecover.median'), report.timeToRecover.median)}`,
      `median; p90 ${duration(q('timeToRecover.p90'), report.timeToRecover.p90)}`,
    ),
    card(
      'Detection delay',
      duration(q('detectionDelay.median'), report.detectionDelay.median),
      `median; p90 ${duration(q('detectionDelay.p90'), report.detectionDelay.p90)}`,
    ),
    card('Re-lockouts within 7 days', figure(q('reLockoutsWithin7Days'), report.reLockoutsWithin7Days)),
    card('Suspected attacks', figure(q('suspectedAttacks'), report.suspectedAttacks)),
    card('Refused: protected accounts', figure(q('protectedRefusals'), report.protectedRefusals)),
    card('Post-recovery anomalies', figure(q('postRecoveryAnomalies'), report.postRecoveryAnomalies)),
  ];
  const resolutions = Object.entries(RESOLUTION_LABELS).map(
    ([action, label]) =>
      `<tr><th scope="row">${html(label)}</th><td>${figure(
        q(`resolutionsByAction.${action}`),
        report.resolutionsByAction[action as keyof typeof RESOLUTION_LABELS] ?? 0,
      )}</td></tr>`,
  );
  return `<section aria-labelledby="quarter-title" data-from="${html(report.from)}" data-to="${html(report.to)}"><h2 id="quarter-title">Last 12 weeks</h2><p class="period">${period(report)}</p><div class="cards">${cards.join('')}</div>${table('Resolved lockouts by what resolved them', ['Action', 'Lockouts'], resolutions)}</section>`;
}

const period = (report: LockoutReport) =>
  `<time datetime="${html(report.from)}">${html(formatDateTime(report.from))}</time> to <time datetime="${html(report.to)}">${html(formatDateTime(report.to))}</time>`;

function weekly(weeks: readonly LockoutReport[]): string {
  const rows = weeks.map(
    (week) =>
      `<tr data-from="${html(week.from)}" data-to="${html(week.to)}"><th scope="row"><time datetime="${html(week.from)}">${html(formatDate(week.from))}</time></th><td>${figure('opened', week.lockouts.opened)}</td><td>${figure('resolved', week.lockouts.resolved)}</td><td>${duration('timeToRecover.median', week.timeToRecover.median)}</td><td>${duration('timeToRecover.p90', week.timeToRecover.p90)}</td></tr>`,
  );
  return `<section aria-labelledby="recovery-title"><h2 id="recovery-title">Time to recover per week</h2><div class="chart" id="chart-recovery" role="img" aria-label="Time to recover per week, median and 90th percentile, in hours"></div>${table(
    'Lockouts flagged each week (from the day shown, 7 days) and the time from flag to recovery',
    ['Week from', 'Opened', 'Resolved', 'Median', 'p90'],
    rows,
  )}</section>`;
}

function telephonyNote(report: RegistrationReport, now: Date): string {
  const retirement = `<time datetime="${html(report.telephonyRetirement)}">${html(formatDate(report.telephonyRetirement))}</time>`;
  if (report.telephonyProvider === 'custom')
    return `<p class="note">SMS and voice come from the tenant's own provider: they keep working after Microsoft's delivery ends on ${retirement}.</p>`;
  const days = daysUntil(report.telephonyRetirement, now);
  return `<p class="alert">Microsoft-provided SMS and voice delivery ends on ${retirement}${
    days > 0 ? ` (in ${figure('telephonyRetirement.days', days)} days)` : ''
  }: users with only SMS or voice must register a passkey before then.</p>`;
}

function readiness(report: RegistrationReport, now: Date): string {
  const latest = report.latest;
  const heading = '<h2 id="registration-title">Registration readiness</h2>';
  if (latest === null)
    return `<section aria-labelledby="registration-title">${heading}${telephonyNote(report, now)}<p class="empty">No registration scan has finished yet.</p></section>`;
  const rows = REGISTRATION_CLASSES.map(
    (cls) =>
      `<tr><th scope="row">${html(CLASS_LABELS[cls])}</th>${AUDIENCES.map(
        (audience) =>
          `<td>${figure(`registration.${audience}.${cls}`, latest.counts[audience][cls] ?? 0)}</td>`,
      ).join('')}</tr>`,
  );
  return `<section aria-labelledby="registration-title">${heading}${telephonyNote(report, now)}<p class="period">Latest scan finished <time datetime="${html(latest.finishedAt)}">${html(formatDateTime(latest.finishedAt))}</time>: ${figure('registration.users', latest.users)} users.</p><div class="chart" id="chart-readiness" role="img" aria-label="Members per registration class at each scan"></div>${table(
    'Users per class in the latest scan',
    ['Class', ...AUDIENCES.map((audience) => AUDIENCE_LABELS[audience])],
    rows,
  )}</section>`;
}

const atRiskTotal = (report: RegistrationReport, cls: HelpdeskRiskClass) =>
  AUDIENCES.reduce((sum, audience) => sum + (report.latest?.counts[audience][cls] ?? 0), 0);

const AT_RISK_TITLES: Record<HelpdeskRiskClass, string> = {
  sms_voice_only: 'SMS or voice only: locked out when Microsoft-provided delivery ends',
  single_method: 'Single method: one lost phone from a lockout',
};

function atRiskList(list: AtRiskList, report: RegistrationReport, apiPath: string): string {
  const total = atRiskTotal(report, list.class);
  const withDate = list.class === 'sms_voice_only';
  const rows = list.users.map(
    (user) =>
      `<tr><th scope="row"><span class="name">${html(user.displayName ?? user.userPrincipalName)}</span> <span class="upn">${html(user.userPrincipalName)}</span></th><td>${html(AUDIENCE_LABELS[user.audience])}</td><td>${html(user.methodsRegistered.join(', ') || 'none')}</td>${
        withDate
          ? `<td>${user.telephonyEnds ? `<time datetime="${html(user.telephonyEnds)}">${html(formatDate(user.telephonyEnds))}</time>` : '—'}</td>`
          : ''
      }</tr>`,
  );
  const rest = `${apiPath}/reports/registration/users?class=${list.class}`;
  const more = list.more
    ? `<p class="more">The first ${list.users.length} of ${figure(`atRisk.${list.class}`, total)}; the rest: <a href="${html(rest)}">${html(rest)}</a></p>`
    : `<p class="more">${figure(`atRisk.${list.class}`, total)} in all.</p>`;
  const body =
    list.users.length === 0
      ? '<p class="empty">Nobody.</p>'
      : table(
          `${CLASS_LABELS[list.class]} users`,
          ['User', 'Audience', 'Methods registered', ...(withDate ? ['Locked out from'] : [])],
          rows,
        );
  return `<div class="at-risk" data-class="${list.class}"><h3>${html(AT_RISK_TITLES[list.class])}</h3>${body}${more}</div>`;
}

/** The embedded chart data: JSON that can never close its script element. */
const embeddedJson = (value: ChartData) =>
  JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * The dashboard page: every figure as text, the charts' series as a JSON data block that
 * dashboard.js draws (no inline script or style). Asset and API links are built from the page's
 * own path, so it works below any route prefix.
 */
export function renderDashboard(data: DashboardData, options: { pagePath: string }): string {
  const pagePath = options.pagePath.replace(/\/+$/, '');
  const apiPath = pagePath.replace(/\/dashboard$/i, '');
  const asset = (name: string) => html(`${pagePath}/${name}`);
  const now = new Date(data.generatedAt);
  const atRisk = data.atRisk.map((list) => atRiskList(list, data.registration, apiPath)).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MFA Recovery dashboard</title>
<link rel="stylesheet" href="${asset('uPlot.min.css')}">
<link rel="stylesheet" href="${asset('dashboard.css')}">
</head>
<body>
<header><h1>MFA Recovery</h1><p>Outcomes as of <time datetime="${html(data.generatedAt)}">${html(formatDateTime(data.generatedAt))}</time></p></header>
<main>
${openNow(data)}
${quarterSummary(data.quarter)}
${weekly(data.weeks)}
${readiness(data.registration, now)}
<section aria-labelledby="at-risk-title"><h2 id="at-risk-title">Who calls the helpdesk next</h2>${atRisk}</section>
</main>
<script type="application/json" id="dashboard-data">${embeddedJson(chartData(data))}</script>
<script src="${asset('uPlot.iife.min.js')}"></script>
<script src="${asset('dashboard.js')}"></script>
</body>
</html>
`;
}
