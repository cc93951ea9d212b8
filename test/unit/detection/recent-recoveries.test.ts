import { describe, expect, it } from 'vitest';

import type { Recovery } from '../../../src/lib/detection/post-recovery-anomaly';
import { recentRecoveries, recoveryCovering } from '../../../src/lib/detection/recent-recoveries';
import type { AuditEntry, AuditQuery } from '../../../src/lib/storage/audit-log';

const USER = '0b5e3a9c-2f41-4c6d-8e7a-9d1c2b3a4f50';
const entry = (fields: Partial<AuditEntry>): AuditEntry => ({
  id: 'a',
  time: '2026-11-25T09:00:00.000Z',
  action: 'tap.issue',
  outcome: 'succeeded',
  caller: 'function-key',
  correlationId: 'c',
  graphRequestIds: [],
  targetId: USER.toUpperCase(),
  targetUpn: 'megan@contoso.example',
  ...fields,
});

describe('recentRecoveries', () => {
  it('reads every page of the three recovery actions since the instant, keeping what succeeded or partly did', async () => {
    const since = new Date('2026-11-24T09:00:00Z');
    const queries: AuditQuery[] = [];
    const pages: Record<string, { entries: AuditEntry[]; continuationToken?: string }> = {
      'mfa.reset|': {
        entries: [entry({ id: 'r1', action: 'mfa.reset', outcome: 'partial', targetUpn: undefined })],
        continuationToken: 'next',
      },
      'mfa.reset|next': { entries: [entry({ id: 'r2', action: 'mfa.reset', outcome: 'failed' })] },
      'tap.issue|': {
        entries: [
          entry({ id: 't1' }),
          entry({ id: 't2', outcome: 'refused' }),
          entry({ id: 't3', outcome: 'started' }),
          entry({ id: 't4', targetId: undefined }),
        ],
      },
      'mfa.recover|': { entries: [entry({ id: 'm1', action: 'mfa.recover', outcome: 'partial' })] },
    };
    const audit = {
      list: (query: AuditQuery) => {
        queries.push(query);
        const page = pages[`${query.action}|${query.continuationToken ?? ''}`];
        return page ? Promise.resolve(page) : Promise.reject(new Error('unexpected query'));
      },
    };
    expect(await recentRecoveries(audit, since)).toEqual([
      { auditId: 'r1', action: 'mfa.reset', userId: USER, time: '2026-11-25T09:00:00.000Z' },
      {
        auditId: 't1',
        action: 'tap.issue',
        userId: USER,
        userPrincipalName: 'megan@contoso.example',
        time: '2026-11-25T09:00:00.000Z',
      },
      {
        auditId: 'm1',
        action: 'mfa.recover',
        userId: USER,
        userPrincipalName: 'megan@contoso.example',
        time: '2026-11-25T09:00:00.000Z',
      },
    ]);
    expect(queries).toEqual([
      { action: 'mfa.reset', since, limit: 100 },
      { action: 'mfa.reset', since, limit: 100, continuationToken: 'next' },
      { action: 'tap.issue', since, limit: 100 },
      { action: 'mfa.recover', since, limit: 100 },
    ]);
  });
});

describe('recoveryCovering', () => {
  const HOUR = 3_600_000;
  const recovery = (auditId: string, time: string, userId = USER): Recovery => ({
    auditId,
    action: 'tap.issue',
    userId,
    time,
  });
  const recoveries = [
    recovery('early', '2026-11-25T08:00:00.000Z'),
    recovery('late', '2026-11-25T09:00:00.000Z'),
    recovery('other', '2026-11-25T09:30:00.000Z', '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'),
  ];

  it("finds the user's latest recovery whose window holds the instant, ends included", () => {
    expect(recoveryCovering(recoveries, USER, '2026-11-25T08:00:00.000Z', HOUR)?.auditId).toBe('early');
    expect(recoveryCovering(recoveries, USER, '2026-11-25T08:59:59.999Z', HOUR)?.auditId).toBe('early');
    expect(recoveryCovering(recoveries, USER, '2026-11-25T09:30:00.000Z', HOUR)?.auditId).toBe('late');
    expect(recoveryCovering([...recoveries].reverse(), USER, '2026-11-25T09:00:00.000Z', HOUR)?.auditId).toBe(
      'late',
    );
    expect(recoveryCovering(recoveries, USER, '2026-11-25T10:00:00.000Z', HOUR)?.auditId).toBe('late');
  });

  it('finds none before the first recovery, after the last window, or for another user', () => {
    expect(recoveryCovering(recoveries, USER, '2026-11-25T07:59:59.999Z', HOUR)).toBeUndefined();
    expect(recoveryCovering(recoveries, USER, '2026-11-25T10:00:00.001Z', HOUR)).toBeUndefined();
    expect(
      recoveryCovering(recoveries, '1b5e3a9c-2f41-4c6d-8e7a-9d1c2b3a4f50', '2026-11-25T09:30:00.000Z', HOUR),
    ).toBeUndefined();
  });
});
