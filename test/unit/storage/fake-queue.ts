import type { QueueClient } from '@azure/storage-queue';

/** An in-memory queue: records creations and sent texts; the first `failCreates` creations fail. */
export function fakeQueue(failCreates = 0) {
  const sent: string[] = [];
  const calls = { creates: 0 };
  const signals: unknown[] = [];
  const queue = {
    createIfNotExists(options: { abortSignal?: unknown }) {
      calls.creates++;
      signals.push(options.abortSignal);
      if (calls.creates <= failCreates) return Promise.reject(new Error('ECONNREFUSED'));
      return Promise.resolve({ succeeded: true });
    },
    sendMessage(text: string, options: { abortSignal?: unknown }) {
      signals.push(options.abortSignal);
      sent.push(text);
      return Promise.resolve({});
    },
  };
  return { queue: queue as unknown as QueueClient, sent, calls, signals };
}
