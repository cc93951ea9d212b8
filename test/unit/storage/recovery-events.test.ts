import { describe, expect, it } from 'vitest';

import { createQueueEventPublisher, type NewRecoveryEvent } from '../../../src/lib/storage/recovery-events';
import { fakeQueue } from './fake-queue';

const NOW = new Date('2025-06-02T09:00:00.000Z');

const event: NewRecoveryEvent = {
  type: 'recovery.action.completed',
  severity: 'info',
  action: 'phone.add',
  outcome: 'partial',
  targetId: '3f1c2d4e-0000-4000-8000-00000000000a',
  targetUpn: 'ada@contoso.example',
  ticket: 'INC0012345',
  correlationId: 'corr-1',
  details: { failed: ['enableSmsSignIn'] },
};

function publisher() {
  const { queue, sent } = fakeQueue();
  return { sent, events: createQueueEventPublisher({ queue, now: () => NOW }) };
}

describe('recovery events: what is sent', () => {
  it('stamps schema version 1, a random event id and the time, and sends exactly that', async () => {
    const { sent, events } = publisher();
    const published = await events.publish(event);
    const { eventId, ...rest } = published;
    expect(eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rest).toEqual({ ...event, schemaVersion: 1, time: NOW.toISOString() });
    expect(sent).toEqual([JSON.stringify(published)]);
  });

  it('needs only a type, a severity and a correlation id', async () => {
    const { events } = publisher();
    const minimal = { type: 'security.break_glass_attempt', severity: 'high', correlationId: 'c' } as const;
    await expect(events.publish(minimal)).resolves.toMatchObject(minimal);
  });

  it('uses the clock of the moment it publishes, by default the real one', async () => {
    const { queue } = fakeQueue();
    const before = Date.now();
    const { time } = await createQueueEventPublisher({ queue }).publish(event);
    expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
  });
});

describe('recovery events: the schema', () => {
  it.each(['recovery.action', 'security.break_glass_attempt', 'a.b.c.d', 'lockout.r2d2', 'x1_y.z_9'])(
    'accepts the dotted snake_case type %s',
    async (type) => {
      const { sent, events } = publisher();
      await events.publish({ ...event, type });
      expect(sent).toHaveLength(1);
    },
  );

  it.each([
    ['a type without a dot', { type: 'recovery' }],
    ['a type ending in a dot', { type: 'recovery.' }],
    ['a type with an empty segment', { type: 'recovery..completed' }],
    ['a type with capitals', { type: 'Recovery.completed' }],
    ['a type with a capital later on', { type: 'recovery.Completed' }],
    ['a type starting with a digit', { type: '1recovery.completed' }],
    ['a segment starting with a digit', { type: 'recovery.1completed' }],
    ['a segment starting with an underscore', { type: 'recovery._completed' }],
    ['a type with a blank', { type: 'recovery.action completed' }],
    ['a type with a hyphen', { type: 'recovery.action-completed' }],
    ['text before the type', { type: ' recovery.completed' }],
    ['text after the type', { type: 'recovery.completed!' }],
    ['a type over 100 characters', { type: `recovery.${'a'.repeat(92)}` }],
    ['an unknown severity', { severity: 'low' }],
    ['an unknown action', { action: 'user.delete' }],
    ['an event id that is no UUID', { eventId: 'evt-1' }],
    ['a time that is no ISO time', { time: 'June 2nd' }],
    ['an empty correlation id', { correlationId: '' }],
    ['a correlation id over 1024 characters', { correlationId: 'c'.repeat(1025) }],
    ['an outcome over 100 characters', { outcome: 'o'.repeat(101) }],
    ['a target id over 256 characters', { targetId: 't'.repeat(257) }],
    ['a UPN over 1024 characters', { targetUpn: 'u'.repeat(1025) }],
    ['a ticket over 1024 characters', { ticket: 'i'.repeat(1025) }],
    ['details that are not an object', { details: ['x'] }],
    ['an unknown property', { severityLevel: 3 }],
  ])('refuses %s and sends nothing', async (_, change) => {
    const { sent, events } = publisher();
    await expect(events.publish({ ...event, ...change } as NewRecoveryEvent)).rejects.toThrow();
    expect(sent).toEqual([]);
  });

  it('says what a type must look like', async () => {
    const { events } = publisher();
    await expect(events.publish({ ...event, type: 'Recovery Completed' })).rejects.toThrow(
      'must be dotted snake_case, e.g. recovery.action.completed',
    );
  });

  it('accepts each field at its longest', async () => {
    const { sent, events } = publisher();
    await events.publish({
      ...event,
      type: `recovery.${'a'.repeat(91)}`,
      outcome: 'o'.repeat(100),
      targetId: 't'.repeat(256),
      targetUpn: 'u'.repeat(1024),
      ticket: 'i'.repeat(1024),
      correlationId: 'c'.repeat(1024),
      time: '2025-06-02T11:00:00+02:00',
    });
    expect(sent).toHaveLength(1);
  });
});
