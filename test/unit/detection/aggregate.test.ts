import { describe, expect, it } from 'vitest';

import { countAttempts, FailureAggregator } from '../../../src/lib/detection/aggregate';
import { attemptTime } from '../../../src/lib/detection/attempt';
import { signIn } from './sign-ins';

const OTHER = '22222222-2222-4222-8222-222222222222';

describe('FailureAggregator', () => {
  it('adds nothing for a sign-in id seen before, with or without a correlation id', () => {
    const aggregator = new FailureAggregator(10);
    const event = signIn();
    const uncorrelated = signIn({ correlationId: null });
    for (const each of [event, { ...event }, uncorrelated, { ...uncorrelated }]) aggregator.add(each);
    const [user] = aggregator.results();
    expect(user?.attempts.size).toBe(2);
    expect(user?.recent.map((recent) => recent.id).sort()).toEqual([event.id, uncorrelated.id].sort());
    expect(aggregator).toMatchObject({ events: 4, attempts: 2 });
  });

  it('counts events with one correlation id as one attempt', () => {
    const aggregator = new FailureAggregator(10);
    aggregator.add(signIn({ correlationId: 'same' }));
    aggregator.add(signIn({ correlationId: 'SAME' }));
    aggregator.add(signIn({ correlationId: 'other' }));
    expect(aggregator.results()[0]?.attempts.size).toBe(2);
  });

  it('makes an attempt an attack when any of its events is one', () => {
    const aggregator = new FailureAggregator(10);
    aggregator.add(signIn({ correlationId: 'c' }));
    aggregator.add(signIn({ correlationId: 'c', details: 'MFA denied; user declined the authentication' }));
    expect(countAttempts(aggregator.results()[0]?.attempts.values() ?? [])).toEqual({
      lockout: 0,
      attack: 1,
    });
  });

  it('keeps users apart, lower-casing ids', () => {
    const aggregator = new FailureAggregator(10);
    aggregator.add(signIn({ userId: OTHER.toUpperCase() }));
    aggregator.add(signIn());
    expect(
      aggregator
        .results()
        .map((user) => user.userId)
        .sort(),
    ).toEqual(['11111111-1111-4111-8111-111111111111', OTHER]);
  });

  it('keeps only the newest N recent events, in whatever order they come, with the fields helpdesk needs', () => {
    const aggregator = new FailureAggregator(3);
    const minutes = Array.from({ length: 50 }, (_, index) => 10 + ((index * 17) % 50));
    for (const minute of minutes) {
      aggregator.add(signIn({ createdDateTime: `2026-11-25T10:${minute}:00Z` }));
    }
    const recent = aggregator.results()[0]?.recent ?? [];
    expect(recent.map((event) => event.time)).toEqual([
      '2026-11-25T10:59:00.000Z',
      '2026-11-25T10:58:00.000Z',
      '2026-11-25T10:57:00.000Z',
    ]);
    expect(recent[0]).toMatchObject({
      errorCode: 500121,
      failureReason: expect.stringContaining('strong authentication') as unknown,
      details: expect.stringContaining('did not respond') as unknown,
      app: 'Office 365',
      clientApp: 'Browser',
      ipAddress: '203.0.113.7',
      location: 'Redmond, WA, US',
    });
  });

  it('keeps the earliest time of an attempt whose events come newest first', () => {
    const aggregator = new FailureAggregator(10);
    aggregator.add(signIn({ correlationId: 'c', createdDateTime: '2026-11-25T10:05:00Z' }));
    aggregator.add(signIn({ correlationId: 'c', createdDateTime: '2026-11-25T10:01:30Z' }));
    const [packed] = aggregator.results()[0]?.attempts.values() ?? [];
    expect(new Date(attemptTime(packed ?? 0)).toISOString()).toBe('2026-11-25T10:01:30.000Z');
  });
});
