import type { QueueClient } from '@azure/storage-queue';
import { describe, expect, it, vi } from 'vitest';

import { EventTooLargeError } from '../../../src/lib/storage/json-queue';
import { createQueueService } from '../../../src/lib/storage/queue-service';
import { createQueueEventPublisher, type NewRecoveryEvent } from '../../../src/lib/storage/recovery-events';
import { SecretLeakError } from '../../../src/lib/storage/secret-guard';
import { manualClock, NO_CREDENTIAL, useAzurite } from './azurite-fixture';

const fixture = useAzurite();

const completed: NewRecoveryEvent = {
  type: 'recovery.action.completed',
  severity: 'info',
  action: 'tap.issue',
  outcome: 'succeeded',
  targetId: '3f1c2d4e-0000-4000-8000-00000000000a',
  targetUpn: 'ada@contoso.example',
  ticket: 'INC0012345',
  correlationId: 'corr-1',
  details: { notify: ['user', 'security'], tap: { lifetimeInMinutes: 60, temporaryAccessPass: null } },
};

function setup() {
  const queue = createQueueService(fixture.storage, NO_CREDENTIAL).getQueueClient(fixture.uniqueName('q'));
  const clock = manualClock();
  return { queue, clock, events: createQueueEventPublisher({ queue, now: clock.now }) };
}

async function messages(queue: QueueClient): Promise<string[]> {
  const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
  return receivedMessageItems.map((item) => item.messageText);
}

describe('recovery events', () => {
  it('publishes the event as plain JSON text, exactly as returned', async () => {
    const { queue, clock, events } = setup();
    const event = await events.publish(completed);
    const { eventId, ...rest } = event;
    expect(eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rest).toEqual({ ...completed, schemaVersion: 1, time: clock.now().toISOString() });
    const [text, ...others] = await messages(queue);
    expect(others).toEqual([]);
    expect(text).toBe(JSON.stringify(event)); // not base64: Logic Apps reads the text as it is
    expect(JSON.parse(text!)).toEqual(event);
  });

  it('keeps a given event id and time, and creates the queue once per publisher', async () => {
    const { queue, events } = setup();
    const create = vi.spyOn(queue, 'createIfNotExists');
    const given = { eventId: '0f8e2b8c-3d4a-4c1e-9b7a-1234567890ab', time: '2025-06-01T08:00:00.000Z' };
    const high = await events.publish({
      ...completed,
      ...given,
      type: 'security.break_glass_attempt',
      severity: 'high',
    });
    expect(high).toMatchObject(given);
    await events.publish(completed);
    await events.publish(completed);
    expect(create).toHaveBeenCalledTimes(1);
    const texts = await messages(queue);
    expect(texts).toHaveLength(3);
    expect(JSON.parse(texts[0]!)).toEqual(high);
  });

  it('gives every event its own id', async () => {
    const { events } = setup();
    const ids = await Promise.all(Array.from({ length: 5 }, () => events.publish(completed)));
    expect(new Set(ids.map((event) => event.eventId)).size).toBe(5);
  });

  it.each([
    ['a pass in details', { tap: { temporaryAccessPass: 'Xk7#pQ2!' } }],
    ['a pass inside a string', { graphBody: '{"temporaryAccessPass":"Xk7#pQ2!","isUsable":true}' }],
  ])('refuses %s and sends nothing (threat model: TAP leakage)', async (_, details) => {
    const { queue, events } = setup();
    await queue.create();
    await expect(events.publish({ ...completed, details })).rejects.toBeInstanceOf(SecretLeakError);
    await expect(messages(queue)).resolves.toEqual([]);
  });

  it('refuses an event larger than a queue message can hold', async () => {
    const { events } = setup();
    await expect(
      events.publish({ ...completed, details: { blob: '<'.repeat(20_000) } }),
    ).rejects.toBeInstanceOf(EventTooLargeError);
  });

  it('sends an event close to the 64 KiB limit', async () => {
    const { queue, events } = setup();
    const event = await events.publish({ ...completed, details: { blob: 'a'.repeat(60_000) } });
    await expect(messages(queue)).resolves.toEqual([JSON.stringify(event)]);
  });

  it('rejects a malformed event type', async () => {
    const { events } = setup();
    await expect(events.publish({ ...completed, type: 'Recovery Completed' })).rejects.toThrow();
  });
});
