import { describe, expect, it } from 'vitest';

import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';
import {
  anomalyEventId,
  MAX_ANOMALY_REGISTRATIONS,
  mergeAnomaly,
  type Recovery,
} from '../../../src/lib/detection/post-recovery-anomaly';
import type { JudgedRegistration } from '../../../src/lib/detection/post-recovery-rules';

const USER = '0b5e3a9c-2f41-4c6d-8e7a-9d1c2b3a4f50';
const NOW = new Date('2026-11-25T12:00:00.000Z');
const RECOVERY: Recovery = {
  auditId: 'audit-1',
  action: 'tap.issue',
  userId: USER,
  userPrincipalName: 'megan@contoso.example',
  time: '2026-11-25T09:00:00.000Z',
};
const judged = (id: string, minute: number, extra: Partial<JudgedRegistration> = {}): JudgedRegistration => ({
  id,
  time: `2026-11-25T10:${String(minute).padStart(2, '0')}:00.000Z`,
  userId: USER,
  ipAddress: '192.0.2.44',
  country: 'NG',
  method: 'Microsoft Authenticator',
  reasons: ['new_ip_address', 'new_country'],
  ...extra,
});
const stored = (registration: JudgedRegistration) => {
  const { id, time, ipAddress, country, method, reasons } = registration;
  return { id, time, ipAddress, country, method, reasons };
};

const lockoutFlag = (fields: Partial<LockoutFlag> = {}): LockoutFlag => ({
  userId: USER,
  userPrincipalName: 'old@contoso.example',
  category: 'lockout',
  status: 'resolved',
  protected: true,
  lockoutAttempts: 4,
  attackAttempts: 0,
  firstFailureAt: '2026-11-25T08:00:00.000Z',
  lastFailureAt: '2026-11-25T08:30:00.000Z',
  recentEvents: [{ id: 's1', time: '2026-11-25T08:30:00.000Z', category: 'lockout', errorCode: 500121 }],
  countedAttempts: ['abc@1764059400'],
  openedAt: '2026-11-25T08:05:00.000Z',
  updatedAt: '2026-11-25T09:00:00.000Z',
  resolvedAt: '2026-11-25T09:00:00.000Z',
  ticket: 'INC-1',
  openEventId: 'e-0',
  reopenCount: 2,
  ...fields,
});

describe('anomalyEventId', () => {
  it('is UUID-shaped, the same for the same registrations in any order, and differs by user and set', () => {
    const id = anomalyEventId(USER, ['r1', 'r2']);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(anomalyEventId(USER.toUpperCase(), ['r2', 'r1'])).toBe(id);
    expect(anomalyEventId(USER, ['r1'])).not.toBe(id);
    expect(anomalyEventId('1b5e3a9c-2f41-4c6d-8e7a-9d1c2b3a4f50', ['r1', 'r2'])).not.toBe(id);
  });
});

describe('mergeAnomaly', () => {
  it('opens a post_recovery_anomaly flag for a user without one', () => {
    const merged = mergeAnomaly(undefined, {
      recovery: { ...RECOVERY, userId: USER.toUpperCase() },
      anomalous: [
        judged('r2', 30),
        judged('r1', 10, {
          ipAddress: undefined,
          country: undefined,
          method: undefined,
          reasons: ['ip_address_unknown'],
        }),
      ],
      now: NOW,
    });
    const eventId = anomalyEventId(USER, ['r1', 'r2']);
    expect(merged).toEqual({
      kind: 'opened',
      eventId,
      raised: [
        stored(judged('r2', 30)),
        { id: 'r1', time: judged('r1', 10).time, reasons: ['ip_address_unknown'] },
      ],
      flag: {
        userId: USER,
        userPrincipalName: 'megan@contoso.example',
        category: 'post_recovery_anomaly',
        status: 'open',
        protected: false,
        lockoutAttempts: 0,
        attackAttempts: 0,
        firstFailureAt: judged('r1', 10).time,
        lastFailureAt: judged('r2', 30).time,
        recentEvents: [],
        countedAttempts: [],
        openedAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        openEventId: eventId,
        reopenCount: 0,
        anomaly: {
          recovery: { auditId: 'audit-1', action: 'tap.issue', time: RECOVERY.time },
          registrations: [
            stored(judged('r2', 30)),
            { id: 'r1', time: judged('r1', 10).time, reasons: ['ip_address_unknown'] },
          ],
        },
      },
    });
  });

  it('leaves out a UPN nobody knows', () => {
    const anonymous: Recovery = { ...RECOVERY };
    delete anonymous.userPrincipalName;
    const merged = mergeAnomaly(undefined, { recovery: anonymous, anomalous: [judged('r1', 1)], now: NOW });
    expect(merged.kind === 'opened' && 'userPrincipalName' in merged.flag).toBe(false);
  });

  it('never raises a registration twice, whatever became of the flag', () => {
    const first = mergeAnomaly(undefined, { recovery: RECOVERY, anomalous: [judged('r1', 1)], now: NOW });
    if (first.kind === 'unchanged') throw new Error('expected a flag');
    for (const status of ['open', 'acknowledged', 'resolved'] as const) {
      const again = mergeAnomaly(
        { ...first.flag, status },
        { recovery: RECOVERY, anomalous: [judged('r1', 1)], now: NOW },
      );
      expect(again).toEqual({ kind: 'unchanged' });
    }
    expect(mergeAnomaly(undefined, { recovery: RECOVERY, anomalous: [], now: NOW })).toEqual({
      kind: 'unchanged',
    });
  });

  it('raises only the new registrations of a flagged window, keeping the older ones newest first', () => {
    const first = mergeAnomaly(undefined, { recovery: RECOVERY, anomalous: [judged('r1', 1)], now: NOW });
    if (first.kind === 'unchanged') throw new Error('expected a flag');
    const later = new Date('2026-11-25T13:00:00.000Z');
    const merged = mergeAnomaly(first.flag, {
      recovery: RECOVERY,
      anomalous: [judged('r1', 1), judged('r2', 40, { reasons: ['several_methods'] })],
      now: later,
    });
    expect(merged.kind).toBe('updated');
    if (merged.kind === 'unchanged') return;
    expect(merged.raised.map((registration) => registration.id)).toEqual(['r2']);
    expect(merged.eventId).toBe(anomalyEventId(USER, ['r2']));
    expect(merged.flag.anomaly?.registrations.map((registration) => registration.id)).toEqual(['r2', 'r1']);
    expect(merged.flag).toMatchObject({
      category: 'post_recovery_anomaly',
      status: 'open',
      openedAt: NOW.toISOString(),
      openEventId: first.eventId,
      updatedAt: later.toISOString(),
      firstFailureAt: judged('r1', 1).time,
      lastFailureAt: judged('r2', 40).time,
      reopenCount: 0,
    });
  });

  it(`keeps the ${MAX_ANOMALY_REGISTRATIONS} newest registrations`, () => {
    const many = Array.from({ length: MAX_ANOMALY_REGISTRATIONS + 1 }, (_, index) =>
      judged(`r${index}`, 0, { time: new Date(Date.parse(RECOVERY.time) + index * 1000).toISOString() }),
    );
    const merged = mergeAnomaly(undefined, { recovery: RECOVERY, anomalous: many, now: NOW });
    if (merged.kind === 'unchanged') throw new Error('expected a flag');
    expect(merged.raised).toHaveLength(MAX_ANOMALY_REGISTRATIONS + 1);
    expect(merged.flag.anomaly?.registrations).toHaveLength(MAX_ANOMALY_REGISTRATIONS);
    expect(merged.flag.anomaly?.registrations.at(-1)?.id).toBe('r1');
  });

  it('re-opens a resolved flag, keeping what the lockout scan counted and the protection', () => {
    const existing = lockoutFlag();
    const merged = mergeAnomaly(existing, { recovery: RECOVERY, anomalous: [judged('r1', 5)], now: NOW });
    expect(merged.kind).toBe('reopened');
    if (merged.kind === 'unchanged') return;
    expect(merged.flag).toMatchObject({
      category: 'post_recovery_anomaly',
      status: 'open',
      protected: true,
      lockoutAttempts: 0,
      reopenCount: 3,
      countedAttempts: existing.countedAttempts,
      recentEvents: existing.recentEvents,
      userPrincipalName: 'megan@contoso.example',
      openEventId: merged.eventId,
    });
  });

  it('keeps the known UPN when the recovery has none', () => {
    const anonymous: Recovery = { ...RECOVERY };
    delete anonymous.userPrincipalName;
    const merged = mergeAnomaly(lockoutFlag({ status: 'open' }), {
      recovery: anonymous,
      anomalous: [judged('r1', 5)],
      now: NOW,
    });
    expect(merged.kind !== 'unchanged' && merged.flag.userPrincipalName).toBe('old@contoso.example');
  });

  it('turns an unresolved lockout flag into an open post_recovery_anomaly flag', () => {
    const existing = lockoutFlag({ status: 'acknowledged', lastFailureAt: '2026-11-25T11:00:00.000Z' });
    const merged = mergeAnomaly(existing, { recovery: RECOVERY, anomalous: [judged('r1', 5)], now: NOW });
    expect(merged.kind).toBe('updated');
    if (merged.kind === 'unchanged') return;
    expect(merged.flag).toMatchObject({
      category: 'post_recovery_anomaly',
      status: 'open',
      lockoutAttempts: 4,
      reopenCount: 2,
      openEventId: 'e-0',
      // Later than the registration: kept.
      lastFailureAt: '2026-11-25T11:00:00.000Z',
      firstFailureAt: existing.firstFailureAt,
      updatedAt: NOW.toISOString(),
    });
  });

  it('leaves an unresolved suspected_attack flag to security operations, status and all', () => {
    const existing = lockoutFlag({ category: 'suspected_attack', status: 'acknowledged' });
    const merged = mergeAnomaly(existing, { recovery: RECOVERY, anomalous: [judged('r1', 5)], now: NOW });
    expect(merged.kind).toBe('updated');
    if (merged.kind === 'unchanged') return;
    expect(merged.flag.category).toBe('suspected_attack');
    expect(merged.flag.status).toBe('acknowledged');
    expect(merged.flag.anomaly?.registrations).toHaveLength(1);
  });

  it('keeps an acknowledged post_recovery_anomaly flag acknowledged', () => {
    const first = mergeAnomaly(undefined, { recovery: RECOVERY, anomalous: [judged('r1', 1)], now: NOW });
    if (first.kind === 'unchanged') throw new Error('expected a flag');
    const merged = mergeAnomaly(
      { ...first.flag, status: 'acknowledged' },
      { recovery: RECOVERY, anomalous: [judged('r2', 2)], now: NOW },
    );
    expect(merged.kind !== 'unchanged' && [merged.flag.category, merged.flag.status]).toEqual([
      'post_recovery_anomaly',
      'acknowledged',
    ]);
  });
});
