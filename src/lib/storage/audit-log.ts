import { randomUUID } from 'node:crypto';

import { odata, type TableClient } from '@azure/data-tables';

import { AppError } from '../http/problem';
import { recordAction } from '../telemetry/records';
import {
  AUDIT_ACTIONS,
  AuditEntitySchema,
  type AuditRow,
  capGraphRequestIds,
  clipDetail,
  toAuditEntity,
  toAuditEntry,
} from './audit-entity';
import {
  AUDIT_PARTITION,
  auditRowKey,
  decodeCursor,
  encodeCursor,
  queryFingerprint,
  sinceRowKeyBound,
} from './audit-keys';
import { clip } from './clip';
import { queryRows } from './query-rows';
import { assertNoSecrets } from './secret-guard';
import { STORAGE_TIMEOUT_MS, storageOptions } from './storage-deadline';
import { requireEtag, StorageConflictError, storageStatus } from './storage-errors';

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'started' | 'succeeded' | 'partial' | 'failed' | 'refused' | 'unknown';

export interface AuditAttempt {
  action: AuditAction;
  targetId?: string;
  targetUpn?: string;
  /** The caller's id (`user:{oid}`, `app:{appid}`, `function-key`, `timer:{name}`). */
  caller: string;
  /** The caller's display name, for people reading the audit. */
  callerName?: string;
  /** The client application the caller used (token `appid`/`azp`). */
  callerAppId?: string;
  ticket?: string;
  reason?: string;
  verification?: { method: string; reference: string };
  /** A protected target acted on with a second person's approval (docs/approvals.md). */
  approval?: { id: string; approvedBy: string };
  /** A rule the caller's role let it pass, e.g. `suspected_attack_open` for security operations. */
  override?: string;
  correlationId: string;
}

export interface AuditEntry extends AuditAttempt {
  id: string;
  /** ISO 8601, when the attempt started. */
  time: string;
  outcome: AuditOutcome;
  code?: string;
  detail?: string;
  graphRequestIds: string[];
  completedTime?: string;
  summary?: Record<string, unknown>;
}

export interface AuditResult {
  outcome: Exclude<AuditOutcome, 'started'>;
  code?: string;
  detail?: string;
  graphRequestIds?: string[];
  summary?: Record<string, unknown>;
}

export interface AuditQuery {
  /** The target's object id. */
  userId?: string;
  action?: AuditAction;
  /** Only entries whose attempt started at or after this instant. */
  since?: Date;
  /** Lets a reconciler find dangling `started` rows. */
  outcome?: AuditOutcome;
  /** 1–100, default 50. */
  limit?: number;
  continuationToken?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  continuationToken?: string;
}

/**
 * One entity per attempt (docs/threat-model.md, "Audit tampering or unavailability"). The row is
 * written as `started` before anything in the tenant changes and moves once to its outcome; there is
 * no other update path. A failure to write the `started` or `refused` row is `audit_unavailable`:
 * the action is refused, so no change goes unrecorded.
 */
export interface AuditLog {
  start(attempt: AuditAttempt): Promise<AuditEntry>;
  /** ETag-guarded; a row that is gone or already completed is a StorageConflictError. */
  complete(entry: AuditEntry, result: AuditResult): Promise<AuditEntry>;
  refused(attempt: AuditAttempt, code: string, detail: string): Promise<AuditEntry>;
  /** Newest first. A malformed continuation token or an out-of-range limit is `invalid_request`. */
  list(query: AuditQuery): Promise<AuditPage>;
}

export interface TableAuditLogOptions {
  table: () => Promise<TableClient>;
  now?: () => Date;
  /**
   * Deadline for each audit operation, retries included. The `started` write sits in front of every
   * action and its 25 s budget, so a storage account that accepts connections but never answers
   * must fail fast too, not only one that refuses them.
   */
  timeoutMs?: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

export function createTableAuditLog(options: TableAuditLogOptions): AuditLog {
  const { table, now = () => new Date(), timeoutMs = STORAGE_TIMEOUT_MS } = options;
  const deadline = () => storageOptions(timeoutMs);

  /** Storage failures become audit_unavailable; guard and conflict errors pass through as they are. */
  async function storage<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof StorageConflictError || error instanceof AppError) throw error;
      throw new AppError('audit_unavailable', `The audit log could not ${what}.`, { cause: error });
    }
  }

  function newEntry(attempt: AuditAttempt, outcome: AuditOutcome): AuditEntry {
    const entry: AuditEntry = {
      id: randomUUID(),
      time: now().toISOString(),
      outcome,
      action: attempt.action,
      caller: clip(attempt.caller),
      correlationId: clip(attempt.correlationId),
      graphRequestIds: [],
    };
    if (attempt.callerName !== undefined) entry.callerName = clip(attempt.callerName);
    if (attempt.callerAppId !== undefined) entry.callerAppId = clip(attempt.callerAppId);
    if (attempt.targetId !== undefined) entry.targetId = clip(attempt.targetId.toLowerCase());
    if (attempt.targetUpn !== undefined) entry.targetUpn = clip(attempt.targetUpn);
    if (attempt.ticket !== undefined) entry.ticket = clip(attempt.ticket);
    if (attempt.reason !== undefined) entry.reason = clip(attempt.reason);
    if (attempt.verification) {
      entry.verification = {
        method: clip(attempt.verification.method),
        reference: clip(attempt.verification.reference),
      };
    }
    if (attempt.approval) {
      entry.approval = { id: clip(attempt.approval.id), approvedBy: clip(attempt.approval.approvedBy) };
    }
    if (attempt.override !== undefined) entry.override = clip(attempt.override, 100);
    return entry;
  }

  async function insert(entry: AuditEntry): Promise<AuditEntry> {
    assertNoSecrets(entry);
    await storage('record the attempt', async () => {
      const client = await table();
      await client.createEntity(toAuditEntity(entry), deadline());
    });
    return entry;
  }

  async function readRow(client: TableClient, entry: AuditEntry) {
    try {
      const row = await client.getEntity(
        AUDIT_PARTITION,
        auditRowKey(new Date(entry.time), entry.id),
        deadline(),
      );
      return AuditEntitySchema.parse(row);
    } catch (error) {
      if (storageStatus(error) === 404) {
        throw new StorageConflictError('Audit', `no entry ${entry.id} to complete`, { cause: error });
      }
      throw error;
    }
  }

  return {
    start: async (attempt) => await insert(newEntry(attempt, 'started')),

    refused: async (attempt, code, detail) => {
      const entry = newEntry(attempt, 'refused');
      entry.code = clip(code, 100);
      entry.detail = clipDetail(detail);
      entry.completedTime = entry.time;
      recordAction(entry);
      return await insert(entry);
    },

    complete: async (entry, result) => {
      assertNoSecrets(result);
      // The outcome happened whether or not its row can be written.
      recordAction({
        action: entry.action,
        outcome: result.outcome,
        code: result.code,
        correlationId: entry.correlationId,
        targetId: entry.targetId,
      });
      return await storage('complete the entry', async () => {
        const client = await table();
        const row = await readRow(client, entry);
        if (row.outcome !== 'started') {
          throw new StorageConflictError('Audit', `entry ${entry.id} is already ${row.outcome}`);
        }
        // The attempt's fields come from the stored row, not from the caller's copy: completion
        // records an outcome and cannot rewrite who asked for what.
        const completed: AuditEntry = { ...toAuditEntry(row), outcome: result.outcome };
        completed.completedTime = now().toISOString();
        completed.graphRequestIds = capGraphRequestIds([
          ...row.graphRequestIds,
          ...(result.graphRequestIds ?? []),
        ]);
        if (result.code !== undefined) completed.code = clip(result.code, 100);
        if (result.detail !== undefined) completed.detail = clipDetail(result.detail);
        if (result.summary !== undefined) completed.summary = result.summary;
        const entity = toAuditEntity(completed);
        try {
          await client.updateEntity(entity, 'Replace', { etag: requireEtag(row.etag), ...deadline() });
        } catch (error) {
          if (storageStatus(error) === 412 || storageStatus(error) === 404) {
            throw new StorageConflictError('Audit', `entry ${entry.id} changed while completing`, {
              cause: error,
            });
          }
          throw error;
        }
        return toAuditEntry(AuditEntitySchema.parse({ ...entity, etag: '' }));
      });
    },

    list: async (query) => {
      const limit = query.limit ?? DEFAULT_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new AppError('invalid_request', `limit must be a whole number from 1 to ${MAX_LIMIT}.`, {
          errors: [{ path: 'limit', message: `must be 1–${MAX_LIMIT}` }],
        });
      }
      if (query.since && Number.isNaN(query.since.getTime())) {
        throw new AppError('invalid_request', 'since is not a valid time.', {
          errors: [{ path: 'since', message: 'is not a valid time' }],
        });
      }
      const clauses = [odata`PartitionKey eq ${AUDIT_PARTITION}`];
      if (query.userId !== undefined) clauses.push(odata`targetId eq ${query.userId.toLowerCase()}`);
      if (query.action !== undefined) clauses.push(odata`action eq ${query.action}`);
      if (query.outcome !== undefined) clauses.push(odata`outcome eq ${query.outcome}`);
      const bound = query.since ? sinceRowKeyBound(query.since) : undefined;
      if (bound !== undefined) clauses.push(odata`RowKey lt ${bound}`);
      const fingerprint = queryFingerprint(clauses.join(' and '));
      if (query.continuationToken !== undefined) {
        const after = decodeCursor(query.continuationToken, fingerprint);
        clauses.push(odata`RowKey gt ${after}`);
      }
      return await storage('list entries', async () => {
        const client = await table();
        // One row more than asked says whether another page exists, without a trailing empty page.
        const rows: AuditRow[] = [];
        const filter = clauses.join(' and ');
        for await (const entity of queryRows(client, filter, { timeoutMs, pageSize: limit + 1 })) {
          rows.push(AuditEntitySchema.parse(entity));
          if (rows.length > limit) break;
        }
        const entries = rows.slice(0, limit).map(toAuditEntry);
        const last = rows[limit - 1];
        return rows.length > limit && last
          ? { entries, continuationToken: encodeCursor(last.rowKey, fingerprint) }
          : { entries };
      });
    },
  };
}
