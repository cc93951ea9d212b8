import { describe, expect, it } from 'vitest';

import type { LockoutFlag, PastEpisode } from '../../../src/lib/detection/lockout-flag';
import { MAX_PAST_EPISODES, mergeFlag } from '../../../src/lib/detection/merge-flag';
import { mergeAnomaly } from '../../../src/lib/detection/post-recovery-anomaly';
import { failures, MERGE_OPTIONS } from './merge-fixtures';
import { signIn } from './sign-ins';

// A flag holds one user's latest episode; when a resolved flag reopens, the closed episode goes on
// pastEpisodes, newest first, at most MAX_PAST_EPISODES.

const USER = '11111111-1111-4111-8111-111111111111';

const lockoutsAt = (...minutes: number[]) =>
  minutes.map((minute) =>
    signIn({ createdDateTime: `2026-11-25T10:${String(minute).padStart(2, '0')}:00Z` }),
  );

const resolvedFlag = (fields: Partial<LockoutFlag> = {}): LockoutFlag => ({
  userId: USER,
  category: 'lockout',
  status: 'resolved',
  protected: false,
  lockoutAttempts: 3,
  attackAttempts: 0,
  firstFailureAt: '2026-11-25T09:00:00.000Z',
  lastFailureAt: '2026-11-25T09:02:00.000Z',
  recentEvents: [],
  countedAttempts: [],
  openedAt: '2026-11-25T09:05:00.000Z',
  updatedAt: '2026-11-25T09:40:00.000Z',
  resolvedAt: '2026-11-25T09:40:00.000Z',
  ticket: 'INC-9',
  openEventId: 'e-0',
  reopenCount: 0,
  ...fields,
});

/** The episode a resolvedFlag() closes with. */
const closedEpisode: PastEpisode = {
  category: 'lockout',
  firstFailureAt: '2026-11-25T09:00:00.000Z',
  openedAt: '2026-11-25T09:05:00.000Z',
  resolvedAt: '2026-11-25T09:40:00.000Z',
  ticket: 'INC-9',
};

const olderEpisode = (day: number): PastEpisode => ({
  category: 'lockout',
  firstFailureAt: `2026-11-${String(day).padStart(2, '0')}T09:00:00.000Z`,
  openedAt: `2026-11-${String(day).padStart(2, '0')}T09:05:00.000Z`,
  resolvedAt: `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`,
});

function flagOf(result: ReturnType<typeof mergeFlag>): LockoutFlag {
  if (result.kind === 'unchanged') throw new Error('expected a flag');
  return result.flag;
}

describe('past episodes in mergeFlag', () => {
  it('a new flag has none', () => {
    expect(
      flagOf(mergeFlag(undefined, failures(...lockoutsAt(1, 2, 3)), MERGE_OPTIONS)).pastEpisodes,
    ).toBeUndefined();
  });

  it('a reopened flag keeps the episode it closed, ticket included', () => {
    const result = mergeFlag(resolvedFlag(), failures(...lockoutsAt(1, 2, 3)), MERGE_OPTIONS);
    expect(result.kind).toBe('reopened');
    expect(flagOf(result).pastEpisodes).toEqual([closedEpisode]);
  });

  it('puts the closed episode before the earlier ones (newest first)', () => {
    const existing = resolvedFlag({ pastEpisodes: [olderEpisode(20), olderEpisode(10)] });
    const result = mergeFlag(existing, failures(...lockoutsAt(1, 2, 3)), MERGE_OPTIONS);
    expect(flagOf(result).pastEpisodes).toEqual([closedEpisode, olderEpisode(20), olderEpisode(10)]);
  });

  it(`keeps at most ${MAX_PAST_EPISODES}, dropping the oldest`, () => {
    expect(MAX_PAST_EPISODES).toBe(10);
    const ten = Array.from({ length: 10 }, (_, index) => olderEpisode(20 - index));
    const result = mergeFlag(
      resolvedFlag({ pastEpisodes: ten }),
      failures(...lockoutsAt(1, 2, 3)),
      MERGE_OPTIONS,
    );
    expect(flagOf(result).pastEpisodes).toEqual([closedEpisode, ...ten.slice(0, 9)]);
  });

  it('leaves out the ticket of an episode closed without one, and takes updatedAt for a missing resolvedAt', () => {
    const existing = resolvedFlag({
      ticket: undefined,
      resolvedAt: undefined,
      updatedAt: '2026-11-25T09:50:00.000Z',
    });
    const [episode] =
      flagOf(mergeFlag(existing, failures(...lockoutsAt(1, 2, 3)), MERGE_OPTIONS)).pastEpisodes ?? [];
    expect(episode).toEqual({
      category: 'lockout',
      firstFailureAt: '2026-11-25T09:00:00.000Z',
      openedAt: '2026-11-25T09:05:00.000Z',
      resolvedAt: '2026-11-25T09:50:00.000Z',
    });
    expect(Object.keys(episode ?? {})).not.toContain('ticket');
  });

  it('keeps them through an update of the open flag', () => {
    const open = flagOf(mergeFlag(resolvedFlag(), failures(...lockoutsAt(1, 2, 3)), MERGE_OPTIONS));
    const result = mergeFlag(open, failures(...lockoutsAt(4)), MERGE_OPTIONS);
    expect(result.kind).toBe('updated');
    expect(flagOf(result).pastEpisodes).toEqual([closedEpisode]);
  });
});

describe('past episodes in mergeAnomaly', () => {
  const anomalous = [
    {
      id: 'r1',
      time: '2026-11-25T10:30:00.000Z',
      userId: USER,
      ipAddress: '192.0.2.44',
      country: 'NG',
      method: 'Microsoft Authenticator',
      reasons: ['new_ip_address' as const],
    },
  ];
  const recovery = {
    auditId: 'a-1',
    action: 'tap.issue' as const,
    userId: USER,
    time: '2026-11-25T09:39:00.000Z',
  };

  it('a resolved flag reopened by an anomaly keeps the lockout episode it closed', () => {
    const merged = mergeAnomaly(resolvedFlag({ pastEpisodes: [olderEpisode(20)] }), {
      recovery,
      anomalous,
      now: MERGE_OPTIONS.now,
    });
    expect(merged.kind).toBe('reopened');
    if (merged.kind === 'unchanged') return;
    expect(merged.flag.category).toBe('post_recovery_anomaly');
    expect(merged.flag.pastEpisodes).toEqual([closedEpisode, olderEpisode(20)]);
  });

  it('an anomaly on a user without a flag opens one without past episodes', () => {
    const merged = mergeAnomaly(undefined, { recovery, anomalous, now: MERGE_OPTIONS.now });
    if (merged.kind === 'unchanged') throw new Error('expected a flag');
    expect(merged.flag.pastEpisodes).toBeUndefined();
  });
});
