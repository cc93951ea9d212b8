import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';

import { forEachLimited } from '../concurrency';
import {
  FLAG_CATEGORIES,
  LOCKOUT_CATEGORIES,
  LOCKOUT_STATUSES,
  type LockoutFlag,
  type StoredLockoutFlag,
} from '../detection/lockout-flag';
import { MAX_PAST_EPISODES } from '../detection/merge-flag';
import { PostRecoveryAnomalySchema } from '../detection/post-recovery-anomaly';
import type { FlagWrite, LockoutPage, LockoutQuery, LockoutStore } from '../detection/repositories';
import { AppError } from '../http/problem';
import { encodeCursor, queryFingerprint } from './audit-keys';
import { queryRows } from './query-rows';
import { storageOptions } from './storage-deadline';
import { requireEtag, storageStatus } from './storage-errors';

/** One partition, RowKey = object id: flags are bounded by users ever flagged. */
const PARTITION = 'lockout';
const DEFAULT_LIMIT = 50;
/** Below this many users, point reads; from it on, RowKey ranges of this many sorted ids each. */
const RANGE_READ_IDS = 100;
/** Table Storage's limits for one entity-group transaction are 100 operations and 4 MiB. */
const MAX_TRANSACTION_ACTIONS = 100;
const MAX_TRANSACTION_BYTES = 2 * 1024 * 1024;
const POINT_READS_AT_ONCE = 16;
const RANGE_QUERIES_AT_ONCE = 4;

const RecentEventSchema = z.object({
  id: z.string(),
  time: z.string(),
  category: z.enum(LOCKOUT_CATEGORIES),
  errorCode: z.number(),
  failureReason: z.string().optional(),
  details: z.string().optional(),
  app: z.string().optional(),
  clientApp: z.string().optional(),
  ipAddress: z.string().optional(),
  location: z.string().optional(),
  correlationId: z.string().optional(),
});

const PastEpisodeSchema = z.object({
  category: z.enum(FLAG_CATEGORIES),
  firstFailureAt: z.string(),
  openedAt: z.string(),
  resolvedAt: z.string(),
  ticket: z.string().optional(),
});

/** Properties stored as JSON text: Table Storage has no arrays or nested objects. */
const JSON_PROPERTIES = new Set(['recentEvents', 'countedAttempts', 'pastEpisodes', 'anomaly']);

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const RowSchema = z.object({
  rowKey: z.string(),
  userPrincipalName: z.string().optional(),
  category: z.enum(FLAG_CATEGORIES),
  status: z.enum(LOCKOUT_STATUSES),
  protected: z.boolean(),
  lockoutAttempts: z.number().int(),
  attackAttempts: z.number().int(),
  firstFailureAt: z.string(),
  lastFailureAt: z.string(),
  recentEvents: json(z.array(RecentEventSchema)),
  countedAttempts: json(z.array(z.string())),
  openedAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  ticket: z.string().optional(),
  openEventId: z.string(),
  reopenCount: z.number().int(),
  pastEpisodes: json(z.array(PastEpisodeSchema).max(MAX_PAST_EPISODES)).optional(),
  anomaly: json(PostRecoveryAnomalySchema).optional(),
  etag: z.string(),
});

function toEntity(flag: LockoutFlag) {
  const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: PARTITION,
    rowKey: flag.userId.toLowerCase(),
  };
  for (const [key, value] of Object.entries(flag)) {
    if (value === undefined || key === 'userId') continue;
    entity[key] = JSON_PROPERTIES.has(key) ? JSON.stringify(value) : value;
  }
  if (flag.userPrincipalName) entity.upnLower = flag.userPrincipalName.toLowerCase();
  return entity;
}

function fromRow(row: unknown): StoredLockoutFlag {
  const { rowKey, ...rest } = RowSchema.parse(row);
  const flag: StoredLockoutFlag = { userId: rowKey, ...rest };
  const optional = [
    'userPrincipalName',
    'acknowledgedAt',
    'resolvedAt',
    'ticket',
    'pastEpisodes',
    'anomaly',
  ] as const;
  for (const key of optional) {
    if (flag[key] === undefined) delete flag[key];
  }
  return flag;
}

const stored = (flag: LockoutFlag, etag: string): StoredLockoutFlag => ({
  ...flag,
  userId: flag.userId.toLowerCase(),
  etag,
});

/** Lost an ETag race (412), or the row appeared (409) or went (404) meanwhile. */
const isConflict = (status: number | undefined) => status === 409 || status === 412 || status === 404;

async function readOne(client: TableClient, userId: string): Promise<StoredLockoutFlag | undefined> {
  try {
    return fromRow(await client.getEntity(PARTITION, userId.toLowerCase(), storageOptions()));
  } catch (error) {
    if (storageStatus(error) === 404) return undefined;
    throw error;
  }
}

async function writeOne(
  client: TableClient,
  { flag, etag }: FlagWrite,
): Promise<StoredLockoutFlag | undefined> {
  const entity = toEntity(flag);
  try {
    const response =
      etag === undefined
        ? await client.createEntity(entity, storageOptions())
        : await client.updateEntity(entity, 'Replace', { etag: requireEtag(etag), ...storageOptions() });
    return stored(flag, requireEtag(response.etag));
  } catch (error) {
    if (isConflict(storageStatus(error))) return undefined;
    throw error;
  }
}

/** Consecutive writes packed into transactions inside Table Storage's limits (by JSON size, with room to spare). */
function transactionGroups(writes: readonly FlagWrite[]) {
  type Member = { write: FlagWrite; entity: ReturnType<typeof toEntity> };
  const groups: Member[][] = [];
  let current: Member[] = [];
  let bytes = 0;
  for (const write of writes) {
    const entity = toEntity(write.flag);
    const size = Buffer.byteLength(JSON.stringify(entity)) * 2;
    if (
      current.length === MAX_TRANSACTION_ACTIONS ||
      (current.length > 0 && bytes + size > MAX_TRANSACTION_BYTES)
    ) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ write, entity });
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const invalid = (path: string, message: string) =>
  new AppError('invalid_request', `${path} ${message}`, { errors: [{ path, message }] });

export function createTableLockoutStore(options: { table: () => Promise<TableClient> }): LockoutStore {
  const { table } = options;

  return {
    async get(userId) {
      return await readOne(await table(), userId);
    },

    async getMany(userIds) {
      const client = await table();
      const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].sort();
      const found = new Map<string, StoredLockoutFlag>();
      if (ids.length < RANGE_READ_IDS) {
        await forEachLimited(ids, POINT_READS_AT_ONCE, async (id) => {
          const flag = await readOne(client, id);
          if (flag) found.set(id, flag);
        });
        return found;
      }
      // Many users: one query per RowKey range of sorted ids instead of a round trip each. The
      // ranges are disjoint, so however many flags lie between the ids, each row is read once.
      const ranges: string[][] = [];
      for (let i = 0; i < ids.length; i += RANGE_READ_IDS) ranges.push(ids.slice(i, i + RANGE_READ_IDS));
      await forEachLimited(ranges, RANGE_QUERIES_AT_ONCE, async (range) => {
        const wanted = new Set(range);
        const filter = odata`PartitionKey eq ${PARTITION} and RowKey ge ${range[0]} and RowKey le ${range[range.length - 1]}`;
        for await (const row of queryRows(client, filter)) {
          if (wanted.has(row.rowKey ?? '')) found.set(row.rowKey ?? '', fromRow(row));
        }
      });
      return found;
    },

    async findByUpn(upn) {
      const client = await table();
      const filter = odata`PartitionKey eq ${PARTITION} and upnLower eq ${upn.toLowerCase()}`;
      for await (const row of queryRows(client, filter)) return fromRow(row);
      return undefined;
    },

    async put(flag, etag) {
      return await writeOne(await table(), { flag, etag });
    },

    async putMany(writes) {
      const client = await table();
      const results: (StoredLockoutFlag | undefined)[] = [];
      for (const group of transactionGroups(writes)) {
        const actions: TransactionAction[] = group.map(({ entity, write }) =>
          write.etag === undefined
            ? ['create', entity]
            : ['update', entity, 'Replace', { etag: requireEtag(write.etag) }],
        );
        try {
          const response = await client.submitTransaction(actions);
          // Sub-responses come in the order of the actions; only creates name their RowKey.
          group.forEach(({ write }, index) => {
            results.push(stored(write.flag, requireEtag(response.subResponses[index]?.etag)));
          });
        } catch (error) {
          if (!isConflict(storageStatus(error))) throw error;
          // All or nothing: one lost race undid the whole group. Write its flags one by one, so only
          // the ones that really changed meanwhile come back undefined.
          for (const { write } of group) results.push(await writeOne(client, write));
        }
      }
      return results;
    },

    async list(query: LockoutQuery): Promise<LockoutPage> {
      const limit = query.limit ?? DEFAULT_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('limit', 'must be 1–100');
      const clauses = [odata`PartitionKey eq ${PARTITION}`];
      if (query.status) clauses.push(odata`status eq ${query.status}`);
      if (query.category) clauses.push(odata`category eq ${query.category}`);
      if (query.since) clauses.push(odata`lastFailureAt ge ${query.since.toISOString()}`);
      const fingerprint = queryFingerprint(clauses.join(' and '));
      if (query.continuationToken !== undefined) {
        const after = decodeLockoutCursor(query.continuationToken, fingerprint);
        clauses.push(odata`RowKey gt ${after}`);
      }
      const client = await table();
      const rows: StoredLockoutFlag[] = [];
      for await (const entity of queryRows(client, clauses.join(' and '), { pageSize: limit + 1 })) {
        rows.push(fromRow(entity));
        if (rows.length > limit) break;
      }
      const lockouts = rows.slice(0, limit);
      const last = lockouts[limit - 1];
      return rows.length > limit && last
        ? { lockouts, continuationToken: encodeCursor(last.userId, fingerprint) }
        : { lockouts };
    },
  };
}

/** The audit log's cursor shape (encodeCursor), holding a lockout RowKey (an object id). */
function decodeLockoutCursor(token: string, fingerprint: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('continuationToken', 'is not valid');
  }
  const cursor = z
    .strictObject({
      v: z.literal(1),
      after: z.string().regex(/^[0-9a-z._@-]{1,256}$/),
      q: z.literal(fingerprint),
    })
    .safeParse(parsed);
  if (!cursor.success || token.length > 1024) throw invalid('continuationToken', 'is not valid');
  return cursor.data.after;
}
