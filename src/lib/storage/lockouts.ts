import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';

import {
  LOCKOUT_CATEGORIES,
  LOCKOUT_STATUSES,
  type LockoutFlag,
  type StoredLockoutFlag,
} from '../detection/lockout-flag';
import type { LockoutPage, LockoutQuery, LockoutStore } from '../detection/repositories';
import { AppError } from '../http/problem';
import { encodeCursor, queryFingerprint } from './audit-keys';
import { requireEtag, storageStatus } from './storage-errors';

/** One partition, RowKey = object id: flags are bounded by users ever flagged. */
const PARTITION = 'lockout';
const DEFAULT_LIMIT = 50;

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
  category: z.enum(LOCKOUT_CATEGORIES),
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
  etag: z.string(),
});

function toEntity(flag: LockoutFlag) {
  const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: PARTITION,
    rowKey: flag.userId.toLowerCase(),
  };
  for (const [key, value] of Object.entries(flag)) {
    if (value === undefined || key === 'userId') continue;
    entity[key] = key === 'recentEvents' || key === 'countedAttempts' ? JSON.stringify(value) : value;
  }
  if (flag.userPrincipalName) entity.upnLower = flag.userPrincipalName.toLowerCase();
  return entity;
}

function fromRow(row: unknown): StoredLockoutFlag {
  const { rowKey, ...rest } = RowSchema.parse(row);
  const flag: StoredLockoutFlag = { userId: rowKey, ...rest };
  for (const key of ['userPrincipalName', 'acknowledgedAt', 'resolvedAt', 'ticket'] as const) {
    if (flag[key] === undefined) delete flag[key];
  }
  return flag;
}

const invalid = (path: string, message: string) =>
  new AppError('invalid_request', `${path} ${message}`, { errors: [{ path, message }] });

export function createTableLockoutStore(options: { table: () => Promise<TableClient> }): LockoutStore {
  const { table } = options;

  return {
    async get(userId) {
      const client = await table();
      try {
        return fromRow(await client.getEntity(PARTITION, userId.toLowerCase()));
      } catch (error) {
        if (storageStatus(error) === 404) return undefined;
        throw error;
      }
    },

    async findByUpn(upn) {
      const client = await table();
      const filter = odata`PartitionKey eq ${PARTITION} and upnLower eq ${upn.toLowerCase()}`;
      for await (const row of client.listEntities({ queryOptions: { filter } })) return fromRow(row);
      return undefined;
    },

    async put(flag, etag) {
      const client = await table();
      const entity = toEntity(flag);
      try {
        const response =
          etag === undefined
            ? await client.createEntity(entity)
            : await client.updateEntity(entity, 'Replace', { etag: requireEtag(etag) });
        return { ...flag, userId: flag.userId.toLowerCase(), etag: requireEtag(response.etag) };
      } catch (error) {
        const status = storageStatus(error);
        if (status === 409 || status === 412 || status === 404) return undefined;
        throw error;
      }
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
      const pages = client
        .listEntities({ queryOptions: { filter: clauses.join(' and ') } })
        .byPage({ maxPageSize: limit + 1 });
      for await (const page of pages) {
        for (const entity of page) rows.push(fromRow(entity));
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
