import { describe, expect, it } from 'vitest';

import { actionDeadline, withDeadline } from '../../../src/lib/deadline';
import { createJsonQueueSender, EventTooLargeError } from '../../../src/lib/storage/json-queue';
import { createQueueLockoutEventPublisher } from '../../../src/lib/storage/lockout-events';
import { SecretLeakError } from '../../../src/lib/storage/secret-guard';
import { STORAGE_TIMEOUT_MS, storageOptions } from '../../../src/lib/storage/storage-deadline';
import { fakeQueue } from './fake-queue';

/** A queue message holds 64 KiB of text as the service receives it, inside an XML body. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** The size of `text` once XML-escaped: each of & < > " ' may become an entity of up to 6 bytes. */
const xmlBytes = (text: string) =>
  Buffer.byteLength(text) + 5 * [...text].filter((c) => '&<>"\''.includes(c)).length;

/** An event whose JSON text is exactly `bytes` long once XML-escaped, padded with `fill`. */
function eventOfSize(bytes: number, fill: string) {
  const base = xmlBytes(JSON.stringify({ type: 'recovery.test', blob: '' }));
  const perFill = xmlBytes(JSON.stringify(fill).slice(1, -1));
  const count = Math.floor((bytes - base) / perFill);
  const rest = bytes - base - count * perFill;
  const event = { type: 'recovery.test', blob: fill.repeat(count) + 'a'.repeat(rest) };
  expect(xmlBytes(JSON.stringify(event))).toBe(bytes);
  return event;
}

describe('JSON queue sender', () => {
  it('sends each value as its plain JSON text, creating the queue once', async () => {
    const { queue, sent, calls } = fakeQueue();
    const send = createJsonQueueSender(queue);
    await send({ type: 'recovery.a', n: 1 } as { type: string });
    await send({ type: 'recovery.b' });
    expect(sent).toEqual(['{"type":"recovery.a","n":1}', '{"type":"recovery.b"}']);
    expect(calls.creates).toBe(1);
  });

  it('bounds creating and sending by a storage deadline', async () => {
    const { queue, signals } = fakeQueue();
    await createJsonQueueSender(queue)({ type: 'recovery.a' });
    expect(signals).toHaveLength(2);
    for (const signal of signals) expect(signal).toBeInstanceOf(AbortSignal);
  });

  it('tries to create the queue again after a failed creation, instead of keeping the failure', async () => {
    const { queue, sent, calls } = fakeQueue(1);
    const send = createJsonQueueSender(queue);
    await expect(send({ type: 'recovery.a' })).rejects.toThrow('ECONNREFUSED');
    expect(sent).toEqual([]);
    await send({ type: 'recovery.b' });
    expect(calls.creates).toBe(2);
    expect(sent).toEqual(['{"type":"recovery.b"}']);
  });

  it('refuses a value carrying a pass before touching the queue', async () => {
    const { queue, sent, calls } = fakeQueue();
    await expect(
      createJsonQueueSender(queue)({ type: 'recovery.a', tap: { temporaryAccessPass: 'x' } } as {
        type: string;
      }),
    ).rejects.toBeInstanceOf(SecretLeakError);
    expect(calls.creates).toBe(0);
    expect(sent).toEqual([]);
  });

  it('sends a message of exactly 64 KiB', async () => {
    const { queue, sent } = fakeQueue();
    const event = eventOfSize(MAX_MESSAGE_BYTES, 'a');
    await createJsonQueueSender(queue)(event);
    expect(sent).toEqual([JSON.stringify(event)]);
  });

  it('refuses one byte more, naming the event type and its size, before touching the queue', async () => {
    const { queue, sent, calls } = fakeQueue();
    const event = eventOfSize(MAX_MESSAGE_BYTES + 1, 'a');
    const error = await createJsonQueueSender(queue)(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error).toMatchObject({
      name: 'EventTooLargeError',
      message: `Event recovery.test is ${MAX_MESSAGE_BYTES + 1} bytes; a queue message holds at most ${MAX_MESSAGE_BYTES}.`,
    });
    expect(calls.creates).toBe(0);
    expect(sent).toEqual([]);
  });

  it.each(['&', '<', '>', "'", '"'])('counts %s at its escaped size', async (fill) => {
    // Within the limit as raw text, over it once escaped.
    const tooLarge = eventOfSize(MAX_MESSAGE_BYTES + 1, fill);
    expect(Buffer.byteLength(JSON.stringify(tooLarge))).toBeLessThan(MAX_MESSAGE_BYTES);
    const { queue, sent } = fakeQueue();
    const send = createJsonQueueSender(queue);
    await expect(send(tooLarge)).rejects.toBeInstanceOf(EventTooLargeError);
    const fits = eventOfSize(MAX_MESSAGE_BYTES - (MAX_MESSAGE_BYTES % 6), fill);
    await send(fits);
    expect(sent).toEqual([JSON.stringify(fits)]);
  });
});

describe('lockout events publisher', () => {
  it('publishes each event as its JSON text on the queue it is given', async () => {
    const { queue, sent } = fakeQueue();
    const publisher = createQueueLockoutEventPublisher({ queue });
    const event = { type: 'lockout.flag.opened', eventId: 'e-1' };
    await publisher.publish(event as Parameters<typeof publisher.publish>[0]);
    expect(sent).toEqual([JSON.stringify(event)]);
  });
});

describe('storage deadline', () => {
  it('gives each storage call 10 s by default', () => {
    expect(STORAGE_TIMEOUT_MS).toBe(10_000);
    expect(storageOptions().abortSignal.aborted).toBe(false);
  });

  it('aborts a call at its own timeout', async () => {
    const { abortSignal } = storageOptions(1);
    await new Promise((resolve) => abortSignal.addEventListener('abort', resolve, { once: true }));
    expect(abortSignal.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('aborts a call when the running action must answer, however long its own timeout', async () => {
    const deadline = actionDeadline(60_000);
    const controller = new AbortController();
    await withDeadline({ ...deadline, answerSignal: controller.signal }, () => {
      const { abortSignal } = storageOptions();
      expect(abortSignal.aborted).toBe(false);
      controller.abort(new Error('answer due'));
      expect(abortSignal.aborted).toBe(true);
      return Promise.resolve();
    });
  });
});
