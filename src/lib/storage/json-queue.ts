import type { QueueClient } from '@azure/storage-queue';

import { assertNoSecrets } from './secret-guard';
import { storageOptions } from './storage-deadline';

/** Queue messages may be up to 64 KiB; the SDK sends the text inside an XML body. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
}

function xmlEscapedBytes(text: string): number {
  // Worst case of the SDK's XML serialisation: each of these characters becomes an entity (≤ 6 bytes).
  return Buffer.byteLength(text) + text.replace(/[^&<>"']/g, '').length * 5;
}

/**
 * Sends values to one queue as plain JSON text, not base64: the Logic Apps Azure Queues connector
 * hands the text to the workflow as it is, so plain JSON is what a workflow can parse directly. (A
 * queue trigger in this Function App would need `extensions.queues.messageEncoding: "none"`.) The
 * queue is created once per process; a failed attempt is forgotten so the next send tries again.
 */
export function createJsonQueueSender(queue: QueueClient): (value: { type: string }) => Promise<void> {
  let created: Promise<unknown> | undefined;
  const ensureQueue = () => {
    if (!created) {
      created = queue.createIfNotExists(storageOptions());
      created.catch(() => (created = undefined));
    }
    return created;
  };
  return async (value) => {
    assertNoSecrets(value);
    const text = JSON.stringify(value);
    const bytes = xmlEscapedBytes(text);
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new EventTooLargeError(
        `Event ${value.type} is ${bytes} bytes; a queue message holds at most ${MAX_MESSAGE_BYTES}.`,
      );
    }
    await ensureQueue();
    await queue.sendMessage(text, storageOptions());
  };
}
