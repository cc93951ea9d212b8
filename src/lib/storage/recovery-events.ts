import { randomUUID } from 'node:crypto';

import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';

import { AUDIT_ACTIONS } from './audit-entity';
import type { AuditAction } from './audit-log';
import { assertNoSecrets } from './secret-guard';

/**
 * One message on the `recovery-events` queue (design.md, Queues; T7). Consumers (Logic Apps, ITSM
 * connectors) dedupe by `eventId`: Storage queues deliver at least once.
 */
export interface RecoveryEvent {
  schemaVersion: 1;
  eventId: string;
  /** e.g. 'recovery.action.completed', 'recovery.action.refused', 'security.break_glass_attempt' */
  type: string;
  time: string;
  severity: 'info' | 'high';
  action?: AuditAction;
  outcome?: string;
  targetId?: string;
  targetUpn?: string;
  ticket?: string;
  correlationId: string;
  details?: Record<string, unknown>;
}

export type NewRecoveryEvent = Omit<RecoveryEvent, 'schemaVersion' | 'eventId' | 'time'> &
  Partial<Pick<RecoveryEvent, 'eventId' | 'time'>>;

export interface EventPublisher {
  /** Sends one event and returns it as sent. Storage failures are thrown as the SDK reports them. */
  publish(event: NewRecoveryEvent): Promise<RecoveryEvent>;
}

export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
}

const RecoveryEventSchema = z.strictObject({
  schemaVersion: z.literal(1),
  eventId: z.uuid(),
  type: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/,
      'must be dotted snake_case, e.g. recovery.action.completed',
    )
    .max(100),
  time: z.iso.datetime({ offset: true }),
  severity: z.enum(['info', 'high']),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.string().max(100).optional(),
  targetId: z.string().max(256).optional(),
  targetUpn: z.string().max(1024).optional(),
  ticket: z.string().max(1024).optional(),
  correlationId: z.string().min(1).max(1024),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Queue messages may be up to 64 KiB; the SDK sends the text inside an XML body. */
const MAX_MESSAGE_BYTES = 64 * 1024;

function xmlEscapedBytes(text: string): number {
  // Worst case of the SDK's XML serialisation: each of these characters becomes an entity.
  const extra = text.replace(/[^&<>"']/g, '').length * 5;
  return Buffer.byteLength(text) + extra;
}

export interface QueueEventPublisherOptions {
  queue: QueueClient;
  now?: () => Date;
}

/**
 * Message text is the event's plain JSON, not base64: the Logic Apps Azure Queues connector hands
 * the text to the workflow as it is, so plain JSON is what a workflow can parse directly. (A queue
 * trigger in this Function App would need `extensions.queues.messageEncoding: "none"` in host.json.)
 */
export function createQueueEventPublisher(options: QueueEventPublisherOptions): EventPublisher {
  const { queue, now = () => new Date() } = options;
  let created: Promise<unknown> | undefined;
  // Created once per process; a failed attempt is forgotten so the next publish tries again.
  const ensureQueue = () => {
    if (!created) {
      created = queue.createIfNotExists();
      created.catch(() => (created = undefined));
    }
    return created;
  };

  return {
    async publish(input) {
      const event: RecoveryEvent = RecoveryEventSchema.parse({
        ...input,
        schemaVersion: 1,
        eventId: input.eventId ?? randomUUID(),
        time: input.time ?? now().toISOString(),
      });
      assertNoSecrets(event);
      const text = JSON.stringify(event);
      const bytes = xmlEscapedBytes(text);
      if (bytes > MAX_MESSAGE_BYTES) {
        throw new EventTooLargeError(
          `Event ${event.type} is ${bytes} bytes; a queue message holds at most ${MAX_MESSAGE_BYTES}.`,
        );
      }
      await ensureQueue();
      await queue.sendMessage(text);
      return event;
    },
  };
}
