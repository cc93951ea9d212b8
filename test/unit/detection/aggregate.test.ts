import { describe, expect, it } from 'vitest';

import { FailureAggregator } from '../../../src/lib/detection/aggregate';
import { signIn } from './sign-ins';

const OTHER = '22222222-2222-4222-8222-222222222222';

describe('FailureAggregator', () => {
  it('ignores a sign-in id seen before', () => {
    const aggregator = new FailureAggregator(10);
    const event = signIn();
    aggregator.add(event);
    aggregator.add({ ...event });
    const [user] = aggregator.results();
    expect(user?.attempts.size).toBe(1);
    expect(aggregator.duplicates).toBe(1);
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
    expect([...(aggregator.results()[0]?.attempts.values() ?? [])].map((a) => a.category)).toEqual([
      'suspected_attack',
    ]);
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

  it('keeps only the newest N recent events, with the fields helpdesk needs', () => {
    const aggregator = new FailureAggregator(3);
    for (let minute = 10; minute < 60; minute += 1) {
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
});
