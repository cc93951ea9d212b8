import type { QueueClient } from '@azure/storage-queue';

import type { LockoutEventPublisher } from '../detection/repositories';
import { assertNoSecrets } from './secret-guard';

/**
 * `lockout-events`: plain JSON text (see recovery-events.ts for why not base64). Delivery is at
 * least once; consumers dedupe by `eventId`, which is stable for one opening of one flag.
 */
export function createQueueLockoutEventPublisher(options: { queue: QueueClient }): LockoutEventPublisher {
  const { queue } = options;
  let created: Promise<unknown> | undefined;
  const ensureQueue = () => {
    if (!created) {
      created = queue.createIfNotExists();
      created.catch(() => (created = undefined));
    }
    return created;
  };
  return {
    async publish(event) {
      assertNoSecrets(event);
      await ensureQueue();
      await queue.sendMessage(JSON.stringify(event));
    },
  };
}
