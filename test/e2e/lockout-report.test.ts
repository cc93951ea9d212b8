import type { AccessToken, TokenCredential } from '@azure/identity';
import { beforeAll, describe, expect, it } from 'vitest';

import type { LockoutFlag } from '../../src/lib/detection/lockout-flag';
import { type AuditAction, createTableAuditLog } from '../../src/lib/storage/audit-log';
import { createTableLockoutStore } from '../../src/lib/storage/lockouts';
import { createTableClient } from '../../src/lib/storage/table-service';
import { createTableSource, TABLES } from '../../src/lib/storage/tables';
import { callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// GET /api/reports/lockouts through the local host: flags and audit rows seeded with the app's own
// stores into the stack's storage, in a week in January 2026 that nothing else writes to, then the
// report compared with the numbers worked out below from that seed.

const stack = useStack();

const MINUTE = 60_000;
const FROM = '2026-01-05T00:00:00.000Z';
const TO = '2026-01-12T00:00:00.000Z';
const at = (time: string) => Date.parse(time);
const iso = (ms: number) => new Date(ms).toISOString();
const userId = (n: number) => `${String(n).padStart(8, '0')}-5e5e-4000-8000-00000000e2e0`;

/** Connection-string mode never asks for a token. */
const NO_CREDENTIAL: TokenCredential = {
  getToken: (): Promise<AccessToken | null> =>
    Promise.reject(new Error('no token in connection-string mode')),
};

function flag(
  n: number,
  openedAt: string,
  delayMinutes: number,
  fields: Partial<LockoutFlag> = {},
): LockoutFlag {
  return {
    userId: userId(n),
    userPrincipalName: `report.user${n}@contoso.onmicrosoft.com`,
    category: 'lockout',
    status: 'open',
    protected: false,
    lockoutAttempts: 3,
    attackAttempts: 0,
    firstFailureAt: iso(at(openedAt) - delayMinutes * MINUTE),
    lastFailureAt: iso(at(openedAt) - MINUTE),
    recentEvents: [],
    countedAttempts: [],
    openedAt,
    updatedAt: openedAt,
    openEventId: `e2e-${n}`,
    reopenCount: 0,
    ...fields,
  };
}

const resolvedAt = (time: string): Partial<LockoutFlag> => ({
  status: 'resolved',
  resolvedAt: time,
  updatedAt: time,
  ticket: 'INC-E2E',
});

/** The seed: what happened to whom, with the report's expected figures worked out beside it. */
const FLAGS: LockoutFlag[] = [
  // 1: flagged 5 min after the first failure; a TAP 30 min later; also locked out on 1 January
  // (resolved 3 days 21 h before this one opened: a re-lockout within 7 days).
  flag(1, '2026-01-05T09:00:00.000Z', 5, {
    ...resolvedAt('2026-01-05T09:40:00.000Z'),
    reopenCount: 1,
    pastEpisodes: [
      {
        category: 'lockout',
        firstFailureAt: '2026-01-01T09:50:00.000Z',
        openedAt: '2026-01-01T10:00:00.000Z',
        resolvedAt: '2026-01-01T12:00:00.000Z',
      },
    ],
  }),
  // 2: 10 min to flag; a dry-run reset (resolves nothing), then a reset an hour after the flag.
  flag(2, '2026-01-06T10:00:00.000Z', 10, resolvedAt('2026-01-06T12:00:00.000Z')),
  // 3: 2 min to flag; still open.
  flag(3, '2026-01-07T08:00:00.000Z', 2),
  // 4: 15 min to flag; closed by hand two hours later (PATCH, audited as lockout.resolve).
  flag(4, '2026-01-08T14:00:00.000Z', 15, resolvedAt('2026-01-08T16:00:00.000Z')),
  // 5: a suspected attack.
  flag(5, '2026-01-09T07:00:00.000Z', 1, {
    category: 'suspected_attack',
    lockoutAttempts: 0,
    attackAttempts: 1,
  }),
  // 6: a post-recovery anomaly, after a lockout resolved before the period.
  flag(6, '2026-01-10T12:00:00.000Z', 30, {
    category: 'post_recovery_anomaly',
    lockoutAttempts: 0,
    reopenCount: 1,
    pastEpisodes: [
      {
        category: 'lockout',
        firstFailureAt: '2026-01-04T08:00:00.000Z',
        openedAt: '2026-01-04T08:05:00.000Z',
        resolvedAt: '2026-01-04T09:00:00.000Z',
      },
    ],
  }),
  // 7: opened at `to`, outside the period (exclusive).
  flag(7, TO, 3),
];

interface SeededEntry {
  time: string;
  n: number;
  action: AuditAction;
  outcome: 'succeeded' | 'refused';
  code?: string;
  dryRun?: boolean;
}

const AUDIT: SeededEntry[] = [
  { time: '2026-01-05T09:30:00.000Z', n: 1, action: 'tap.issue', outcome: 'succeeded' },
  { time: '2026-01-06T10:30:00.000Z', n: 2, action: 'mfa.reset', outcome: 'succeeded', dryRun: true },
  { time: '2026-01-06T11:00:00.000Z', n: 2, action: 'mfa.reset', outcome: 'succeeded' },
  { time: '2026-01-08T16:00:00.000Z', n: 4, action: 'lockout.resolve', outcome: 'succeeded' },
  {
    time: '2026-01-06T15:00:00.000Z',
    n: 8,
    action: 'mfa.reset',
    outcome: 'refused',
    code: 'protected_account',
  },
  {
    time: '2026-01-07T15:00:00.000Z',
    n: 9,
    action: 'tap.issue',
    outcome: 'refused',
    code: 'break_glass_account',
  },
  {
    time: '2026-01-07T16:00:00.000Z',
    n: 5,
    action: 'mfa.reset',
    outcome: 'refused',
    code: 'suspected_attack_open',
  },
  {
    time: '2026-01-12T00:00:00.000Z',
    n: 8,
    action: 'mfa.reset',
    outcome: 'refused',
    code: 'protected_account',
  },
];

const EXPECTED = {
  from: FROM,
  to: TO,
  // Users 1–4; 1, 2 and 4 resolved.
  lockouts: { opened: 4, resolved: 3, open: 1 },
  // 120, 300, 600, 900 s: median at index 1.5 → 450; p90 at index 2.7 → 600 + 0.7 × 300 = 810.
  detectionDelay: { count: 4, median: 450, p90: 810 },
  // 1800, 3600, 7200 s: median 3600; p90 at index 1.8 → 3600 + 0.8 × 3600 = 6480.
  timeToRecover: { count: 3, median: 3600, p90: 6480 },
  resolutionsByAction: { 'tap.issue': 1, 'mfa.reset': 1, 'lockout.resolve': 1 },
  reLockoutsWithin7Days: 1,
  suspectedAttacks: 1,
  protectedRefusals: 2,
  postRecoveryAnomalies: 1,
};

async function seed(): Promise<void> {
  const tables = createTableSource((name) =>
    createTableClient({ connectionString: stack().storageConnectionString }, NO_CREDENTIAL, name),
  );
  const lockouts = createTableLockoutStore({ table: () => tables(TABLES.lockouts) });
  for (const seeded of FLAGS) expect(await lockouts.put(seeded, undefined)).toBeDefined();
  for (const seeded of AUDIT) {
    const audit = createTableAuditLog({
      table: () => tables(TABLES.audit),
      now: () => new Date(seeded.time),
    });
    const attempt = {
      action: seeded.action,
      targetId: userId(seeded.n),
      caller: 'user:e2e-seed',
      ticket: 'INC-E2E',
      correlationId: `e2e-${seeded.time}`,
    };
    if (seeded.outcome === 'refused') await audit.refused(attempt, seeded.code ?? '', 'refused');
    else {
      const started = await audit.start(attempt);
      await audit.complete(started, {
        outcome: 'succeeded',
        ...(seeded.dryRun ? { summary: { dryRun: true } } : {}),
      });
    }
  }
}

beforeAll(seed);

const get = (path: string) => callStack(stack(), 'GET', path, undefined, {}, 'reader');

describe('GET /api/reports/lockouts through the local host', () => {
  it('answers the figures worked out from the seeded flags and audit', async () => {
    const answer = await get(`/reports/lockouts?from=${FROM}&to=${TO}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual(EXPECTED);
  });

  it('takes the four weeks before `to` when `from` is absent', async () => {
    const answer = await get(`/reports/lockouts?to=2026-01-12T00:00:00Z`);
    expect(answer.status).toBe(200);
    expect(answer.body.from).toBe('2025-12-15T00:00:00.000Z');
    // The week's four, and the lockouts of users 1 and 6 on 1 and 4 January (both resolved).
    expect(answer.body.lockouts).toEqual({ opened: 6, resolved: 5, open: 1 });
  });

  it.each([
    ['from after to', `from=${TO}&to=${FROM}`, 'query.from'],
    ['from equal to to', `from=${FROM}&to=${FROM}`, 'query.from'],
    ['a period over 92 days', `from=2025-10-01T00:00:00Z&to=${TO}`, 'query.from'],
    ['from not a date and time', `from=yesterday&to=${TO}`, 'query.from'],
    ['to without an offset', `from=${FROM}&to=2026-01-12T00:00:00`, 'query.to'],
    ['an unknown parameter', `from=${FROM}&to=${TO}&user=x`, 'query'],
  ])('refuses %s: 400 problem+json', async (_name, query, path) => {
    const answer = await get(`/reports/lockouts?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body.code).toBe('invalid_request');
    expect((answer.body.errors as { path: string }[]).map((error) => error.path)).toContain(path);
  });

  it('refuses a request without a credential: 401', async () => {
    const response = await fetch(`${stack().baseUrl}/reports/lockouts?from=${FROM}&to=${TO}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe('unauthenticated');
  });
});
