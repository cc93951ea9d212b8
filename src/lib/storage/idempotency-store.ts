import { createHash } from 'node:crypto';

import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';

import { assertNoSecrets } from './secret-guard';
import { STORAGE_TIMEOUT_MS, storageOptions } from './storage-deadline';
import { requireEtag, StorageConflictError, storageStatus } from './storage-errors';

export interface IdempotencyRecord {
  scope: string;
  key: string;
  fingerprint: string;
  state: 'processing' | 'completed';
  startedAt: string;
  etag: string;
}

export type IdempotencyBegin =
  | { kind: 'started'; record: IdempotencyRecord }
  | { kind: 'replay'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

export interface StoredResponse {
  status: number;
  /**
   * Stored as JSON and replayed verbatim to whoever retries with the key. The caller strips every
   * secret first: a TAP response is stored with `temporaryAccessPass: null` (docs/threat-model.md,
   * "TAP leakage").
   * This layer also refuses a body that still carries a pass value, but that is the backstop.
   */
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Idempotency-Key records (docs/threat-model.md, "Replay and duplicate requests"). Inserting the
 * `processing` row is the lock: Table Storage lets exactly one insert of a key succeed, so of N
 * concurrent identical requests one starts and the rest see `in_progress` (or the replay, once it
 * completes).
 */
export interface IdempotencyStore {
  /**
   * `scope` is built by the caller, e.g. `${caller}|${method}|${routeTemplate}|${targetId}`, so one
   * caller can never read another's replay. `fingerprint` identifies the request body.
   */
  begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** ETag-guarded: if the record was taken over meanwhile, throws StorageConflictError. */
  complete(record: IdempotencyRecord, response: StoredResponse): Promise<void>;
  /** Forgets an attempt that changed nothing (refused before any Graph write) so a retry runs again. */
  release(record: IdempotencyRecord): Promise<void>;
}

export interface TableIdempotencyStoreOptions {
  table: () => Promise<TableClient>;
  now?: () => Date;
  /** A completed (or abandoned) record older than this counts as absent. Default 24 h. */
  retentionMs?: number;
  /**
   * A `processing` record older than this was abandoned (its request cannot still be running: an
   * HTTP-triggered function answers within 230 s at most) and a retry may take it over. Default 230 s.
   */
  takeoverAfterMs?: number;
  /** Deadline for each call, retries included: `begin` sits in front of every mutating request. */
  timeoutMs?: number;
}

const TABLE = 'Idempotency';
/** Lost races are retried a few times; beyond that someone else is clearly working on the key. */
const MAX_ROUNDS = 5;
/** Well inside Table Storage's 64 KiB string-property limit (32 K UTF-16 characters). */
const MAX_BODY_CHARS = 30_000;

const RowSchema = z.object({
  etag: z.string(),
  scope: z.string(),
  key: z.string(),
  fingerprint: z.string(),
  state: z.enum(['processing', 'completed']),
  startedAt: z.string(),
  status: z.number().int().optional(),
  body: z.string().optional(),
  headers: z.string().optional(),
});
type Row = z.infer<typeof RowSchema>;

const HeadersSchema = z.record(z.string(), z.string());

/**
 * Both keys are hashes: scopes hold `/`, `{`, `|` and caller names, and keys are client-chosen;
 * neither may reach PartitionKey/RowKey, which forbid `/ \ # ?` and control characters. The
 * partition is per scope (caller, method, route, target), which spreads load and keeps one
 * caller's keys together. The clear text is kept in properties for operators.
 */
function keysFor(scope: string, key: string) {
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  return { partitionKey: hash(scope), rowKey: hash(key) };
}

export function createTableIdempotencyStore(options: TableIdempotencyStoreOptions): IdempotencyStore {
  const {
    table,
    now = () => new Date(),
    retentionMs = 24 * 60 * 60 * 1000,
    takeoverAfterMs = 230 * 1000,
    timeoutMs = STORAGE_TIMEOUT_MS,
  } = options;
  const deadline = () => storageOptions(timeoutMs);

  const processingRow = (scope: string, key: string, fingerprint: string) => ({
    ...keysFor(scope, key),
    scope,
    key,
    fingerprint,
    state: 'processing' as const,
    startedAt: now().toISOString(),
  });

  const toRecord = (row: ReturnType<typeof processingRow>, etag: string): IdempotencyRecord => ({
    scope: row.scope,
    key: row.key,
    fingerprint: row.fingerprint,
    state: row.state,
    startedAt: row.startedAt,
    etag,
  });

  const ageMs = (row: Row) => now().getTime() - new Date(row.startedAt).getTime();

  async function read(client: TableClient, scope: string, key: string): Promise<Row | undefined> {
    const { partitionKey, rowKey } = keysFor(scope, key);
    try {
      return RowSchema.parse(await client.getEntity(partitionKey, rowKey, deadline()));
    } catch (error) {
      if (storageStatus(error) === 404) return undefined;
      throw error;
    }
  }

  function replay(row: Row): IdempotencyBegin {
    return {
      kind: 'replay',
      status: row.status ?? 500,
      body: row.body === undefined ? null : (JSON.parse(row.body) as unknown),
      headers: row.headers === undefined ? {} : HeadersSchema.parse(JSON.parse(row.headers)),
    };
  }

  /** Insert, or fall back to the existing row; returns undefined when a race says "look again". */
  async function attempt(
    client: TableClient,
    scope: string,
    key: string,
    fingerprint: string,
  ): Promise<IdempotencyBegin | undefined> {
    const fresh = processingRow(scope, key, fingerprint);
    try {
      const { etag } = await client.createEntity(fresh, deadline());
      return { kind: 'started', record: toRecord(fresh, requireEtag(etag)) };
    } catch (error) {
      if (storageStatus(error) !== 409) throw error;
    }
    const existing = await read(client, scope, key);
    if (!existing) return undefined; // released between our insert and our read: insert again
    const expired = ageMs(existing) >= retentionMs;
    if (!expired && existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (!expired && existing.state === 'completed') return replay(existing);
    if (!expired && ageMs(existing) < takeoverAfterMs) return { kind: 'in_progress' };
    // Expired, or processing but abandoned: take it over. The ETag makes this a compare-and-swap,
    // so of several retries arriving together exactly one wins; the others look again.
    try {
      const { etag } = await client.updateEntity(fresh, 'Replace', {
        etag: requireEtag(existing.etag),
        ...deadline(),
      });
      return { kind: 'started', record: toRecord(fresh, requireEtag(etag)) };
    } catch (error) {
      if (storageStatus(error) === 412 || storageStatus(error) === 404) return undefined;
      throw error;
    }
  }

  return {
    async begin(scope, key, fingerprint) {
      const client = await table();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const result = await attempt(client, scope, key, fingerprint);
        if (result) return result;
      }
      return { kind: 'in_progress' };
    },

    async complete(record, response) {
      assertNoSecrets(response.body, '$.body');
      assertNoSecrets(response.headers ?? {}, '$.headers');
      const body = JSON.stringify(response.body ?? null);
      if (body.length > MAX_BODY_CHARS) {
        throw new RangeError(
          `Idempotent response body is ${body.length} characters; the limit is ${MAX_BODY_CHARS}.`,
        );
      }
      const client = await table();
      try {
        await client.updateEntity(
          {
            ...keysFor(record.scope, record.key),
            scope: record.scope,
            key: record.key,
            fingerprint: record.fingerprint,
            state: 'completed',
            startedAt: record.startedAt,
            completedAt: now().toISOString(),
            status: response.status,
            body,
            headers: JSON.stringify(response.headers ?? {}),
          },
          'Replace',
          { etag: requireEtag(record.etag), ...deadline() },
        );
      } catch (error) {
        const status = storageStatus(error);
        if (status === 412 || status === 404) {
          throw new StorageConflictError(TABLE, 'the record was taken over or removed before completion', {
            cause: error,
          });
        }
        throw error;
      }
    },

    async release(record) {
      const client = await table();
      const { partitionKey, rowKey } = keysFor(record.scope, record.key);
      try {
        await client.deleteEntity(partitionKey, rowKey, { etag: requireEtag(record.etag), ...deadline() });
      } catch (error) {
        // Gone already, or taken over by a retry after our lock went stale: either way it is not
        // ours to delete any more.
        const status = storageStatus(error);
        if (status === 404 || status === 412) return;
        throw error;
      }
    },
  };
}
