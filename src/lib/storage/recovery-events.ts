import { randomUUID } from 'node:crypto';

import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';

import { AUDIT_ACTIONS } from './audit-entity';
import type { AuditAction } from './audit-log';
import { createJsonQueueSender } from './json-queue';

/**
 * One message on the `recovery-events` queue (docs/threat-model.md, "Unnoticed recovery").
 * Consumers (Logic Apps, ITSM connectors) dedupe by `eventId`: Storage queues deliver at least once.
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

export interface QueueEventPublisherOptions {
  queue: QueueClient;
  now?: () => Date;
}

/** Events on `recovery-events`, checked against their schema. */
export function createQueueEventPublisher(options: QueueEventPublisherOptions): EventPublisher {
  const { queue, now = () => new Date() } = options;
  const send = createJsonQueueSender(queue);

  return {
    async publish(input) {
      const event: RecoveryEvent = RecoveryEventSchema.parse({
        ...input,
        schemaVersion: 1,
        eventId: input.eventId ?? randomUUID(),
        time: input.time ?? now().toISOString(),
      });
      await send(event);
      return event;
    },
  };
}
