import { z } from 'zod';

import { AUDIT_PARTITION, auditRowKey } from './audit-keys';
import type { AuditEntry } from './audit-log';
import { clip } from './clip';

export const AUDIT_ACTIONS = [
  'mfa.reset',
  'method.delete',
  'tap.issue',
  // One-call recovery: reset, then a TAP once the reset is confirmed (docs/recover.md).
  'mfa.recover',
  'phone.add',
  'sessions.revoke',
  'mfa.suspend',
  'mfa.restore',
  // Callers: reading a protected or break-glass account's methods (docs/callers.md).
  'methods.read',
  'approval.request',
  'approval.approve',
  'approval.deny',
  'lockout.acknowledge',
  'lockout.resolve',
  // Limits: the kill switch and the brake (docs/limits.md)
  'writes.switch',
  'brake.release',
] as const;

export const AUDIT_OUTCOMES = ['started', 'succeeded', 'partial', 'failed', 'refused', 'unknown'] as const;

/**
 * Bounds that keep one row well under Table Storage's limits (64 KiB per string property, 1 MiB per
 * entity) whatever a caller passes: the audit write must not fail because a Graph message was long.
 */
const DETAIL_MAX = 2000;
const GRAPH_REQUEST_IDS_MAX = 100;
const SUMMARY_MAX_BYTES = 16 * 1024;

export function clipDetail(detail: string): string {
  return clip(detail, DETAIL_MAX);
}

/** The first ids are kept: they are the calls that changed the tenant; later ones are re-reads. */
export function capGraphRequestIds(ids: readonly string[]): string[] {
  return ids.slice(0, GRAPH_REQUEST_IDS_MAX).map((id) => clip(id, 128));
}

/**
 * An oversized summary is replaced by a marker rather than cut (cut JSON is unreadable) or refused
 * (refusing would leave a completed action without its completion record).
 */
export function boundSummary(summary: Record<string, unknown>): string {
  const json = JSON.stringify(summary);
  const bytes = Buffer.byteLength(json);
  return bytes <= SUMMARY_MAX_BYTES ? json : JSON.stringify({ truncated: true, bytes });
}

const jsonText = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx): z.infer<T> => {
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not the JSON this layer writes' });
      return z.NEVER;
    }
  });

/** A stored row, as read back: validated, because anything with table access could have written it. */
export const AuditEntitySchema = z.object({
  rowKey: z.string(),
  etag: z.string(),
  id: z.string(),
  time: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(AUDIT_OUTCOMES),
  caller: z.string(),
  callerName: z.string().optional(),
  callerAppId: z.string().optional(),
  correlationId: z.string(),
  targetId: z.string().optional(),
  targetUpn: z.string().optional(),
  ticket: z.string().optional(),
  reason: z.string().optional(),
  verificationMethod: z.string().optional(),
  verificationReference: z.string().optional(),
  approvalId: z.string().optional(),
  approvedBy: z.string().optional(),
  override: z.string().optional(),
  code: z.string().optional(),
  detail: z.string().optional(),
  graphRequestIds: jsonText(z.array(z.string())),
  completedTime: z.string().optional(),
  summary: jsonText(z.record(z.string(), z.unknown())).optional(),
});

export type AuditRow = z.infer<typeof AuditEntitySchema>;

export function toAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    id: row.id,
    time: row.time,
    action: row.action,
    outcome: row.outcome,
    caller: row.caller,
    callerName: row.callerName,
    callerAppId: row.callerAppId,
    correlationId: row.correlationId,
    targetId: row.targetId,
    targetUpn: row.targetUpn,
    ticket: row.ticket,
    reason: row.reason,
    code: row.code,
    detail: row.detail,
    graphRequestIds: row.graphRequestIds,
    completedTime: row.completedTime,
    summary: row.summary,
  };
  if (row.verificationMethod !== undefined && row.verificationReference !== undefined) {
    entry.verification = { method: row.verificationMethod, reference: row.verificationReference };
  }
  if (row.approvalId !== undefined && row.approvedBy !== undefined) {
    entry.approval = { id: row.approvalId, approvedBy: row.approvedBy };
  }
  if (row.override !== undefined) entry.override = row.override;
  return withoutUndefined(entry);
}

/** The table entity for an entry; arrays and objects as JSON text, unset fields left out. */
export function toAuditEntity(entry: AuditEntry): Record<string, unknown> & {
  partitionKey: string;
  rowKey: string;
} {
  const { verification, approval, graphRequestIds, summary, ...rest } = entry;
  return withoutUndefined({
    partitionKey: AUDIT_PARTITION,
    rowKey: auditRowKey(new Date(entry.time), entry.id),
    ...rest,
    verificationMethod: verification?.method,
    verificationReference: verification?.reference,
    approvalId: approval?.id,
    approvedBy: approval?.approvedBy,
    graphRequestIds: JSON.stringify(graphRequestIds),
    summary: summary === undefined ? undefined : boundSummary(summary),
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
