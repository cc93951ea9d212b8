import { describe, expect, it } from 'vitest';

import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { auditFactOf, episodesOf, lockoutHistory } from '../../../src/lib/reports/lockout-history';
import { computeLockoutReport } from '../../../src/lib/reports/lockout-report';
import type { AuditEntry } from '../../../src/lib/storage/audit-log';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The period under test: one week from Monday 2 November 2026, 00:00 UTC. */
const T0 = Date.parse('2026-11-02T00:00:00.000Z');
const WEEK = { from: new Date(T0), to: new Date(T0 + 7 * DAY) };
const iso = (ms: number) => new Date(ms).toISOString();

const userId = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-00000000000a`;

/** An open lockout flag of user n, opened at `openedAt` five minutes after its first failure. */
function flag(n: number, openedAt: number, fields: Partial<LockoutFlag> = {}): LockoutFlag {
  return {
    userId: userId(n),
    category: 'lockout',
    status: 'open',
    protected: false,
    lockoutAttempts: 3,
    attackAttempts: 0,
    firstFailureAt: iso(openedAt - 5 * MINUTE),
    lastFailureAt: iso(openedAt - MINUTE),
    recentEvents: [],
    countedAttempts: [],
    openedAt: iso(openedAt),
    updatedAt: iso(openedAt),
    openEventId: `event-${n}`,
    reopenCount: 0,
    ...fields,
  };
}

/** Flag n, resolved at `resolvedAt`. */
const resolved = (n: number, openedAt: number, resolvedAt: number, fields: Partial<LockoutFlag> = {}) =>
  flag(n, openedAt, { status: 'resolved', resolvedAt: iso(resolvedAt), updatedAt: iso(resolvedAt), ...fields });

let nextEntry = 0;
/** An audit entry on user n: a succeeded action unless told otherwise. */
function entry(n: number, action: AuditEntry['action'], time: number, fields: Partial<AuditEntry> = {}): AuditEntry {
  nextEntry += 1;
  return {
    id: `entry-${nextEntry}`,
    time: iso(time),
    action,
    outcome: 'succeeded',
    targetId: userId(n),
    caller: 'user:helpdesk',
    correlationId: `c-${nextEntry}`,
    graphRequestIds: [],
    ...fields,
  };
}

function report(flags: readonly LockoutFlag[], audit: readonly AuditEntry[] = [], period = WEEK) {
  const facts = audit.flatMap((item) => auditFactOf(item) ?? []);
  return computeLockoutReport(lockoutHistory(flags.flatMap(episodesOf), facts), period);
}

describe('computeLockoutReport: the period', () => {
  it('counts lockouts opened at `from` (inclusive) and just before `to`, not at `to` (exclusive) or before `from`', () => {
    const answer = report([
      flag(1, T0),
      flag(2, T0 + 7 * DAY - 1),
      flag(3, T0 + 7 * DAY),
      flag(4, T0 - 1),
    ]);
    expect(answer.lockouts).toEqual({ opened: 2, resolved: 0, open: 2 });
    expect(answer.from).toBe('2026-11-02T00:00:00.000Z');
    expect(answer.to).toBe('2026-11-09T00:00:00.000Z');
  });

  it('answers zeros and nulls for a period without anything in it', () => {
    const answer = report([flag(1, T0 - DAY), flag(2, T0 + 8 * DAY)], [entry(1, 'mfa.reset', T0 - HOUR)]);
    expect(answer).toEqual({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-09T00:00:00.000Z',
      lockouts: { opened: 0, resolved: 0, open: 0 },
      detectionDelay: { count: 0, median: null, p90: null },
      timeToRecover: { count: 0, median: null, p90: null },
      resolutionsByAction: {},
      reLockoutsWithin7Days: 0,
      suspectedAttacks: 0,
      protectedRefusals: 0,
      postRecoveryAnomalies: 0,
    });
  });

  it('says resolved or open as of now: a lockout resolved after `to` is resolved; acknowledged is open', () => {
    const answer = report([
      resolved(1, T0 + DAY, T0 + 10 * DAY),
      flag(2, T0 + DAY, { status: 'acknowledged', acknowledgedAt: iso(T0 + 2 * DAY) }),
      flag(3, T0 + DAY),
    ]);
    expect(answer.lockouts).toEqual({ opened: 3, resolved: 1, open: 2 });
  });
});

describe('computeLockoutReport: detection delay and time to recover', () => {
  it('takes the median and p90 of the detection delays (linear interpolation, type 7)', () => {
    // Delays 600, 60, 240, 120, 180 s; sorted 60, 120, 180, 240, 600.
    // Median: index (5 − 1) × 0.5 = 2 → 180. p90: index (5 − 1) × 0.9 = 3.6 → 240 + 0.6 × (600 − 240) = 456.
    const delays = [600, 60, 240, 120, 180];
    const flags = delays.map((delay, index) =>
      flag(index + 1, T0 + HOUR, { firstFailureAt: iso(T0 + HOUR - delay * SECOND) }),
    );
    expect(report(flags).detectionDelay).toEqual({ count: 5, median: 180, p90: 456 });
  });

  it('takes the median and p90 of an even number of recovery times', () => {
    // Times 40, 10, 30, 20 s; sorted 10, 20, 30, 40.
    // Median: index 1.5 → 20 + 0.5 × 10 = 25. p90: index 3 × 0.9 = 2.7 → 30 + 0.7 × 10 = 37.
    const times = [40, 10, 30, 20];
    const answer = report(times.map((time, index) => resolved(index + 1, T0 + HOUR, T0 + HOUR + time * SECOND)));
    expect(answer.timeToRecover.count).toBe(4);
    expect(answer.timeToRecover.median).toBe(25);
    expect(answer.timeToRecover.p90).toBeCloseTo(37, 9);
  });

  it('leaves out a delay measured from a first failure after the flag opened', () => {
    const answer = report([
      flag(1, T0 + HOUR, { firstFailureAt: iso(T0 + 2 * HOUR) }),
      flag(2, T0 + HOUR, { firstFailureAt: iso(T0 + HOUR - 90 * SECOND) }),
    ]);
    expect(answer.lockouts.opened).toBe(2);
    expect(answer.detectionDelay).toEqual({ count: 1, median: 90, p90: 90 });
  });

  it('counts only resolved lockouts in the time to recover', () => {
    const answer = report([resolved(1, T0 + HOUR, T0 + 2 * HOUR), flag(2, T0 + HOUR)]);
    expect(answer.timeToRecover).toEqual({ count: 1, median: 3600, p90: 3600 });
  });
});

describe('computeLockoutReport: the resolving action', () => {
  const opened = T0 + DAY;
  const closed = T0 + DAY + 4 * HOUR;
  const one = (audit: AuditEntry[], fields: Partial<LockoutFlag> = {}) => {
    const answer = report([resolved(1, opened, closed, fields)], audit);
    return { action: answer.resolutionsByAction, seconds: answer.timeToRecover.median };
  };

  it('is the first succeeded reset, TAP or recovery of the user, even after a lockout.resolve entry', () => {
    const audit = [
      entry(1, 'mfa.reset', opened + 3 * HOUR),
      entry(1, 'tap.issue', opened + 2 * HOUR),
      entry(1, 'lockout.resolve', opened + HOUR),
    ];
    expect(one(audit)).toEqual({ action: { 'tap.issue': 1 }, seconds: 2 * 3600 });
  });

  it('counts an action at the very instant the flag opened, and one at the instant it was resolved', () => {
    expect(one([entry(1, 'mfa.recover', opened)])).toEqual({ action: { 'mfa.recover': 1 }, seconds: 0 });
    expect(one([entry(1, 'mfa.reset', closed)])).toEqual({ action: { 'mfa.reset': 1 }, seconds: 4 * 3600 });
  });

  it('ignores actions outside the episode, not succeeded, dry runs, and other users', () => {
    const audit = [
      entry(1, 'mfa.reset', opened - 1),
      entry(1, 'tap.issue', closed + 1),
      entry(1, 'mfa.reset', opened + HOUR, { outcome: 'partial' }),
      entry(1, 'mfa.recover', opened + HOUR, { outcome: 'failed' }),
      entry(1, 'tap.issue', opened + HOUR, { outcome: 'refused', code: 'target_rate_limited' }),
      entry(1, 'mfa.reset', opened + HOUR, { summary: { dryRun: true } }),
      entry(1, 'sessions.revoke', opened + HOUR),
      entry(2, 'mfa.reset', opened + HOUR),
      entry(1, 'lockout.resolve', opened + 3 * HOUR),
    ];
    expect(one(audit)).toEqual({ action: { 'lockout.resolve': 1 }, seconds: 3 * 3600 });
  });

  it('matches the audit target case-insensitively', () => {
    const audit = [entry(1, 'tap.issue', opened + HOUR, { targetId: userId(1).toUpperCase() })];
    expect(one(audit, { userId: userId(1).toUpperCase() })).toEqual({ action: { 'tap.issue': 1 }, seconds: 3600 });
  });

  it('without an audit row, is lockout.resolve at the resolution', () => {
    expect(one([])).toEqual({ action: { 'lockout.resolve': 1 }, seconds: 4 * 3600 });
  });

  it('without resolvedAt on a resolved flag, takes updatedAt (nothing writes a resolved flag again)', () => {
    const flags = [resolved(1, opened, closed, { resolvedAt: undefined, updatedAt: iso(opened + 30 * MINUTE) })];
    expect(report(flags).timeToRecover.median).toBe(1800);
  });

  it('counts resolutions by action over the period, leaving out actions that resolved none', () => {
    const flags = [1, 2, 3, 4].map((n) => resolved(n, opened, closed));
    const audit = [entry(1, 'tap.issue', opened + HOUR), entry(2, 'tap.issue', opened + HOUR), entry(3, 'mfa.recover', opened + HOUR)];
    expect(report(flags, audit).resolutionsByAction).toEqual({ 'tap.issue': 2, 'mfa.recover': 1, 'lockout.resolve': 1 });
  });
});

describe('computeLockoutReport: re-lockouts within 7 days', () => {
  const twoWeeks = { from: new Date(T0), to: new Date(T0 + 14 * DAY) };
  const reopened = (resolvedAt: number, openedAt: number, category: LockoutFlag['category'] = 'lockout') =>
    flag(1, openedAt, {
      pastEpisodes: [
        { category, firstFailureAt: iso(T0), openedAt: iso(T0 + HOUR), resolvedAt: iso(resolvedAt) },
      ],
    });

  it('counts a lockout opened exactly 7 days after the previous one was resolved', () => {
    expect(report([reopened(T0 + DAY, T0 + 8 * DAY)], [], twoWeeks).reLockoutsWithin7Days).toBe(1);
  });

  it('does not count one opened 7 days and 1 ms after', () => {
    expect(report([reopened(T0 + DAY, T0 + 8 * DAY + 1)], [], twoWeeks).reLockoutsWithin7Days).toBe(0);
  });

  it('compares with the previous lockout, not a suspected attack between them', () => {
    const flags = [
      flag(1, T0 + 9 * DAY, {
        pastEpisodes: [
          { category: 'suspected_attack', firstFailureAt: iso(T0 + 7 * DAY), openedAt: iso(T0 + 7 * DAY), resolvedAt: iso(T0 + 8 * DAY) },
          { category: 'lockout', firstFailureAt: iso(T0), openedAt: iso(T0 + HOUR), resolvedAt: iso(T0 + DAY) },
        ],
      }),
    ];
    const answer = report(flags, [], twoWeeks);
    expect(answer.lockouts.opened).toBe(2);
    expect(answer.suspectedAttacks).toBe(1);
    expect(answer.reLockoutsWithin7Days).toBe(0);
  });

  it('counts past episodes that were re-lockouts, and only those opened in the period', () => {
    // Lockouts opened on days 0, 3 and 5, each resolved a day later: days 3 and 5 are re-lockouts.
    const flags = [
      flag(1, T0 + 5 * DAY, {
        pastEpisodes: [
          { category: 'lockout', firstFailureAt: iso(T0 + 3 * DAY), openedAt: iso(T0 + 3 * DAY), resolvedAt: iso(T0 + 4 * DAY) },
          { category: 'lockout', firstFailureAt: iso(T0), openedAt: iso(T0), resolvedAt: iso(T0 + DAY) },
        ],
      }),
    ];
    expect(report(flags).reLockoutsWithin7Days).toBe(2);
    expect(report(flags, [], { from: new Date(T0 + 4 * DAY), to: new Date(T0 + 7 * DAY) }).reLockoutsWithin7Days).toBe(1);
  });

  it("does not count another user's resolution", () => {
    const flags = [resolved(2, T0, T0 + DAY), flag(1, T0 + 2 * DAY)];
    expect(report(flags).reLockoutsWithin7Days).toBe(0);
  });
});

describe('computeLockoutReport: attacks, anomalies and refusals', () => {
  it('counts suspected attacks and post-recovery anomalies opened in the period, apart from lockouts', () => {
    const flags = [
      flag(1, T0 + DAY, { category: 'suspected_attack', attackAttempts: 1 }),
      flag(2, T0 - DAY, { category: 'suspected_attack', attackAttempts: 1 }),
      flag(3, T0 + 2 * DAY, {
        category: 'post_recovery_anomaly',
        pastEpisodes: [
          { category: 'lockout', firstFailureAt: iso(T0 + DAY), openedAt: iso(T0 + DAY), resolvedAt: iso(T0 + 2 * DAY - HOUR) },
        ],
      }),
    ];
    const answer = report(flags);
    expect(answer.suspectedAttacks).toBe(1);
    expect(answer.postRecoveryAnomalies).toBe(1);
    expect(answer.lockouts).toEqual({ opened: 1, resolved: 1, open: 0 });
  });

  it('counts refusals of protected and break-glass targets in the period, and no other refusal', () => {
    const refused = (time: number, code: string) => entry(9, 'mfa.reset', time, { outcome: 'refused', code });
    const audit = [
      refused(T0, 'protected_account'),
      refused(T0 + DAY, 'break_glass_account'),
      refused(T0 + DAY, 'suspected_attack_open'),
      refused(T0 + DAY, 'approval_denied'),
      refused(T0 + 7 * DAY, 'protected_account'),
      refused(T0 - 1, 'break_glass_account'),
      entry(9, 'mfa.reset', T0 + DAY, { outcome: 'failed', code: 'protected_account' }),
    ];
    expect(report([], audit).protectedRefusals).toBe(2);
  });
});
