import type { QueueClient } from '@azure/storage-queue';

import type { LockoutEventPublisher } from '../detection/repositories';
import { createJsonQueueSender } from './json-queue';

/** `lockout-events`: at-least-once delivery; consumers dedupe by `eventId`, stable for one opening of one flag. */
export function createQueueLockoutEventPublisher(options: { queue: QueueClient }): LockoutEventPublisher {
  const send = createJsonQueueSender(options.queue);
  return { publish: send };
}
