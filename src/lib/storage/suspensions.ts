import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';

import { clip } from './clip';
import { queryRows } from './query-rows';
import { storageOptions } from './storage-deadline';
import { requireEtag, StorageConflictError, storageStatus } from './storage-errors';

export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';

export interface Suspension {
  /** The user's object id (stored lower-cased). */
  userId: string;
  userPrincipalName: string;
  /** The per-user MFA state to put back when the suspension ends. */
  previousState: PerUserMfaState;
  suspendedAt: string;
  endsAt: string;
  ticket: string;
  correlationId: string;
  status: 'active' | 'restored';
  restoredAt?: string;
  restoreAttempts: number;
  lastError?: string;
  etag: string;
}

export type NewSuspension = Omit<Suspension, 'etag'>;

/**
 * Per-user MFA suspensions, one row per user. A restored row is history and may be replaced by a
 * new suspension; an active one may not, because replacing it would lose `previousState` (the
 * state to restore): a second suspend extends the existing one through `update`.
 */
export interface SuspensionStore {
  get(userId: string): Promise<Suspension | undefined>;
  /** Inserts, or replaces a restored row; an active row (or a lost race) is a StorageConflictError. */
  create(suspension: NewSuspension): Promise<Suspension>;
  /** ETag-guarded replace; a lost race or a vanished row is a StorageConflictError. */
  update(suspension: Suspension): Promise<Suspension>;
  /**
   * Every active suspension with `endsAt <= now`, most overdue first: all of them, every run
   * (docs/threat-model.md, "Per-user MFA left off").
   */
  listDue(now: Date): Promise<Suspension[]>;
}

const TABLE = 'Suspensions';

/**
 * One partition, RowKey = object id. Suspensions are few (bounded by users ever suspended), and the
 * restore timer's query ("active and due") is a property filter either way: inside one partition it
 * is a single ordered scan instead of a cross-partition one that pages at every partition boundary.
 */
const PARTITION = 'suspension';

/** Table Storage forbids `/ \\ # ?` and control characters in PartitionKey and RowKey. */
function isKeySafe(text: string): boolean {
  return [...text].every((char) => {
    const code = char.charCodeAt(0);
    return !'/\\#?'.includes(char) && code >= 0x20 && (code < 0x7f || code > 0x9f);
  });
}

const isoTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const SuspensionSchema = z.object({
  userId: z
    .string()
    .min(1)
    .max(256)
    .refine(isKeySafe, 'contains characters not allowed in a table key')
    .transform((id) => id.toLowerCase()),
  userPrincipalName: z.string().max(1024),
  previousState: z.enum(['disabled', 'enabled', 'enforced']),
  suspendedAt: isoTime,
  endsAt: isoTime,
  ticket: z.string().max(1024),
  correlationId: z.string().max(1024),
  status: z.enum(['active', 'restored']),
  restoredAt: isoTime.optional(),
  restoreAttempts: z.number().int().min(0),
  lastError: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : clip(value, 2000))),
});

const RowSchema = SuspensionSchema.extend({ etag: z.string() });

/**
 * Times are normalised to `toISOString()` form, so the `endsAt le …` filter compares strings of one
 * fixed shape, which sort exactly as the instants they name.
 */
function toEntity(suspension: NewSuspension) {
  const parsed = SuspensionSchema.parse(suspension);
  const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: PARTITION,
    rowKey: parsed.userId,
  };
  for (const [name, value] of Object.entries(parsed)) if (value !== undefined) entity[name] = value;
  return entity;
}

function fromRow(row: unknown): Suspension {
  const parsed = RowSchema.parse(row);
  const suspension: Suspension = { ...parsed };
  for (const name of ['restoredAt', 'lastError'] as const) {
    if (suspension[name] === undefined) delete suspension[name];
  }
  return suspension;
}

export function createTableSuspensionStore(options: { table: () => Promise<TableClient> }): SuspensionStore {
  const { table } = options;

  const conflict = (userId: string, detail: string, cause?: unknown) =>
    new StorageConflictError(TABLE, `suspension for ${userId} ${detail}`, { cause });

  async function get(userId: string): Promise<Suspension | undefined> {
    const client = await table();
    try {
      return fromRow(await client.getEntity(PARTITION, userId.toLowerCase(), storageOptions()));
    } catch (error) {
      if (storageStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async function replace(entity: ReturnType<typeof toEntity>, etag: string, userId: string) {
    const client = await table();
    try {
      const response = await client.updateEntity(entity, 'Replace', {
        etag: requireEtag(etag),
        ...storageOptions(),
      });
      return fromRow({ ...entity, etag: requireEtag(response.etag) });
    } catch (error) {
      const status = storageStatus(error);
      if (status === 412 || status === 404) throw conflict(userId, 'changed meanwhile', error);
      throw error;
    }
  }

  return {
    get,

    async create(suspension) {
      const entity = toEntity(suspension);
      const client = await table();
      try {
        const response = await client.createEntity(entity, storageOptions());
        return fromRow({ ...entity, etag: requireEtag(response.etag) });
      } catch (error) {
        if (storageStatus(error) !== 409) throw error;
      }
      const existing = await get(entity.rowKey);
      if (!existing) throw conflict(entity.rowKey, 'was removed while being created');
      if (existing.status === 'active') throw conflict(entity.rowKey, 'is already active');
      // A restored row is history: replace it, guarded by the ETag just read, so two concurrent
      // creates cannot both succeed.
      return await replace(entity, existing.etag, entity.rowKey);
    },

    async update(suspension) {
      const { etag, ...fields } = suspension;
      return await replace(toEntity(fields), etag, fields.userId.toLowerCase());
    },

    async listDue(now) {
      const client = await table();
      const filter = odata`PartitionKey eq ${PARTITION} and status eq 'active' and endsAt le ${now.toISOString()}`;
      const due: Suspension[] = [];
      // Every due row, however many pages.
      for await (const row of queryRows(client, filter)) due.push(fromRow(row));
      return due.sort((a, b) => a.endsAt.localeCompare(b.endsAt));
    },
  };
}
