import { describe, expect, it } from 'vitest';

import { classifySignIn } from '../../../src/lib/detection/classify';
import { mergeRecent, type RecentEvent, toRecentEvent } from '../../../src/lib/detection/recent-event';
import { signIn } from './sign-ins';

// What a flag keeps of a failed sign-in: bounded text, no more than the helpdesk needs.

describe('toRecentEvent', () => {
  it('keeps the id, time, category, code and each text Graph gave', () => {
    const event = signIn({ id: 's1', createdDateTime: '2026-11-25T10:00:00+01:00', correlationId: 'c1' });
    expect(toRecentEvent(event, 'lockout')).toEqual({
      id: 's1',
      time: '2026-11-25T09:00:00.000Z',
      category: 'lockout',
      errorCode: 500121,
      failureReason: 'Authentication failed during strong authentication request.',
      details: 'MFA denied; user did not respond to mobile app notification',
      app: 'Office 365',
      clientApp: 'Browser',
      ipAddress: '203.0.113.7',
      location: 'Redmond, WA, US',
      correlationId: 'c1',
    });
  });

  it('leaves out what Graph did not give, and the missing parts of a place', () => {
    const event = signIn({
      id: 's2',
      correlationId: null,
      appDisplayName: null,
      clientAppUsed: '',
      ipAddress: undefined,
      location: { city: null, state: 'WA', countryOrRegion: 'US' },
    });
    event.status = { errorCode: 50074, failureReason: null, additionalDetails: undefined };
    expect(toRecentEvent(event, 'suspected_attack')).toEqual({
      id: 's2',
      time: '2026-11-25T10:00:00.000Z',
      category: 'suspected_attack',
      errorCode: 50074,
      location: 'WA, US',
    });
    expect(toRecentEvent({ ...event, location: null }, 'lockout')).not.toHaveProperty('location');
  });

  it('cuts each text at its bound, marking the cut', () => {
    const long = (n: number) => 'x'.repeat(n);
    const event = signIn({
      appDisplayName: long(121),
      clientAppUsed: long(61),
      ipAddress: long(65),
      correlationId: long(65),
      location: { city: long(200), state: null, countryOrRegion: null },
    });
    event.status = { errorCode: 500121, failureReason: long(300), additionalDetails: long(301) };
    const recent = toRecentEvent(event, 'lockout');
    expect(recent.failureReason).toBe(long(300));
    expect(recent.details).toBe(`${long(299)}…`);
    expect(recent.app).toBe(`${long(119)}…`);
    expect(recent.clientApp).toBe(`${long(59)}…`);
    expect(recent.ipAddress).toBe(`${long(63)}…`);
    expect(recent.correlationId).toBe(`${long(63)}…`);
    expect(recent.location).toBe(`${long(119)}…`);
  });
});

describe('mergeRecent', () => {
  const event = (id: string, minute: number, details = 'a'): RecentEvent => ({
    id,
    time: `2026-11-25T10:${String(minute).padStart(2, '0')}:00.000Z`,
    category: 'lockout',
    errorCode: 500121,
    details,
  });

  it('keeps the newest first, one per sign-in id (the later copy), at most the limit', () => {
    const merged = mergeRecent(
      [event('a', 1), event('b', 5, 'old')],
      [event('b', 5, 'new'), event('c', 3)],
      2,
    );
    expect(merged).toEqual([event('b', 5, 'new'), event('c', 3)]);
  });
});

describe('classifySignIn', () => {
  it('reads the failure reason as well as the details', () => {
    const event = signIn({ details: '' });
    event.status = { ...event.status, failureReason: 'The user denied the authentication request.' };
    expect(classifySignIn(event)).toBe('suspected_attack');
  });

  it('matches whole words only', () => {
    expect(classifySignIn(signIn({ details: 'MFA undeclined; antifraudulent check' }))).toBe('lockout');
  });
});
