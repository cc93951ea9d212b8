import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';

import { AUDIT_ACTIONS } from '../storage/audit-entity';
import { storageOptions } from '../storage/storage-deadline';
import { requireEtag, storageStatus } from '../storage/storage-errors';
import { type Approval, APPROVAL_STATUSES, type ApprovalStore, type StoredApproval } from './approval';

/** One partition, RowKey = approval id: every read and write is a point operation. */
const PARTITION = 'approval';

const PartySchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  appId: z.string().optional(),
  objectId: z.string().optional(),
});

const partyText = z.string().transform((text, ctx) => {
  const parsed = PartySchema.safeParse(
    (() => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    })(),
  );
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'is not a caller this layer wrote' });
    return z.NEVER;
  }
  return parsed.data;
});

/** A stored row, validated: anything with table access could have written it. */
const RowSchema = z.object({
  rowKey: z.string(),
  etag: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  action: z.enum(AUDIT_ACTIONS),
  requester: partyText,
  scope: z.string(),
  targetId: z.string(),
  targetUpn: z.string(),
  fingerprint: z.string(),
  ticket: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: partyText.optional(),
  decidedAt: z.string().optional(),
  consumedAt: z.string().optional(),
  consumedByKey: z.string().optional(),
});

function toEntity(approval: Approval) {
  const { id, requester, decidedBy, ...rest } = approval;
  return Object.fromEntries(
    Object.entries({
      partitionKey: PARTITION,
      rowKey: id,
      ...rest,
      requester: JSON.stringify(requester),
      decidedBy: decidedBy ? JSON.stringify(decidedBy) : undefined,
    }).filter(([, value]) => value !== undefined),
  ) as { partitionKey: string; rowKey: string } & Record<string, unknown>;
}

function fromRow(row: unknown): StoredApproval {
  const { rowKey, ...rest } = RowSchema.parse(row);
  return Object.fromEntries(
    Object.entries({ id: rowKey, ...rest }).filter(([, value]) => value !== undefined),
  ) as unknown as StoredApproval;
}

export function createTableApprovalStore(options: { table: () => Promise<TableClient> }): ApprovalStore {
  const { table } = options;
  return {
    async create(approval) {
      const response = await (await table()).createEntity(toEntity(approval), storageOptions());
      return { ...approval, etag: requireEtag(response.etag) };
    },

    async get(id) {
      try {
        return fromRow(await (await table()).getEntity(PARTITION, id.toLowerCase(), storageOptions()));
      } catch (error) {
        if (storageStatus(error) === 404) return undefined;
        throw error;
      }
    },

    async update(approval, etag) {
      try {
        const response = await (
          await table()
        ).updateEntity(toEntity(approval), 'Replace', {
          etag: requireEtag(etag),
          ...storageOptions(),
        });
        return { ...approval, etag: requireEtag(response.etag) };
      } catch (error) {
        const status = storageStatus(error);
        if (status === 412 || status === 404) return undefined;
        throw error;
      }
    },
  };
}
