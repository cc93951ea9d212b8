import { createHash } from 'node:crypto';

import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';

import { queryRows } from '../storage/query-rows';
import { STORAGE_TIMEOUT_MS, storageOptions } from '../storage/storage-deadline';
import { storageStatus } from '../storage/storage-errors';
import type { BrakeRow, LimitSnapshot, TargetRow } from './ledger';

/**
 * The Limits table (docs/limits.md, "Table layout"): every row in one partition, so one query reads
 * the kill switch, the brake, the caller's count and (when known) the target's, and one
 * entity-group transaction updates them together, each row guarded by its ETag.
 */
export interface LimitsStore {
  read(rows: { callerId?: string; targetId?: string; writesOnly?: boolean }): Promise<LimitSnapshot>;
  /**
   * Writes the rows given, all or none; each row read with an ETag is replaced only if unchanged,
   * each row read as absent is inserted only if still absent. False when another call won the race.
   */
  commit(writes: {
    callerId: string;
    targetId: string;
    caller?: LimitSnapshot['caller'];
    target?: TargetRow;
    brake?: BrakeRow;
  }): Promise<boolean>;
  /** The stored switch and the brake, for the status route. */
  readState(): Promise<{ writes: StoredWrites; brake: BrakeRow }>;
  setWrites(enabled: boolean, changedBy: string): Promise<StoredWrites>;
  /** Disengages the brake and empties its window; `wasEngaged` false when there was nothing to release. */
  releaseBrake(releasedBy: string): Promise<{ wasEngaged: boolean; trippedAt?: string }>;
}

export interface StoredWrites {
  enabled: boolean;
  changedAt?: string;
  changedBy?: string;
}

export const LIMITS_PARTITION = 'limits';
const WRITES_ROW = 'writes';
const BRAKE_ROW = 'brake';
/** Caller ids hold characters RowKey forbids (`/`, `#`, `?`), so the key is a hash; the id is a property. */
export const callerRowKey = (callerId: string) =>
  `caller-${createHash('sha256').update(callerId).digest('hex')}`;
export const targetRowKey = (targetId: string) => `target-${targetId.toLowerCase()}`;
/** Lost races are retried by the caller; beyond this many rounds a release gives up. */
const MAX_RELEASE_ROUNDS = 10;

const instants = z
  .string()
  .transform((text) => JSON.parse(text) as unknown)
  .pipe(z.array(z.number()));
const Row = z.object({ rowKey: z.string(), etag: z.string() }).loose();
const WritesRow = z.object({
  enabled: z.boolean(),
  changedAt: z.string().optional(),
  changedBy: z.string().optional(),
});
const BrakeEntity = z.object({
  etag: z.string(),
  engaged: z.boolean(),
  trippedAt: z.string().optional(),
  recent: z
    .string()
    .transform((text) => JSON.parse(text) as unknown)
    .pipe(z.array(z.object({ user: z.string(), at: z.number() }))),
});
const CallerEntity = z.object({ etag: z.string(), calls: instants });
const TargetEntity = z.object({ etag: z.string(), taps: instants, resets: instants });

const EMPTY: LimitSnapshot = {
  writes: { enabled: true },
  brake: { engaged: false, recent: [] },
  caller: { calls: [] },
  target: undefined,
};

export function createTableLimitsStore(options: {
  table: () => Promise<TableClient>;
  now?: () => Date;
  timeoutMs?: number;
}): LimitsStore {
  const { table, now = () => new Date(), timeoutMs = STORAGE_TIMEOUT_MS } = options;
  const deadline = () => storageOptions(timeoutMs);

  async function rowsByKey(client: TableClient, rowKeys: string[]) {
    const filter = `PartitionKey eq '${LIMITS_PARTITION}' and (${rowKeys
      .map((rowKey) => odata`RowKey eq ${rowKey}`)
      .join(' or ')})`;
    const found = new Map<string, unknown>();
    for await (const entity of queryRows(client, filter, { timeoutMs })) {
      const row = Row.parse(entity);
      found.set(row.rowKey, entity);
    }
    return found;
  }

  const brakeOf = (entity: unknown): BrakeRow => {
    if (entity === undefined) return { engaged: false, recent: [] };
    const { etag, engaged, trippedAt, recent } = BrakeEntity.parse(entity);
    return { engaged, recent, etag, ...(trippedAt ? { trippedAt } : {}) };
  };

  return {
    async read({ callerId, targetId, writesOnly = false }) {
      const client = await table();
      const keys = writesOnly
        ? [WRITES_ROW]
        : [
            WRITES_ROW,
            BRAKE_ROW,
            ...(callerId === undefined ? [] : [callerRowKey(callerId)]),
            ...(targetId === undefined ? [] : [targetRowKey(targetId)]),
          ];
      const found = await rowsByKey(client, keys);
      const writes = found.get(WRITES_ROW);
      const caller = callerId === undefined ? undefined : found.get(callerRowKey(callerId));
      const target = targetId === undefined ? undefined : found.get(targetRowKey(targetId));
      return {
        writes: writes === undefined ? EMPTY.writes : { enabled: WritesRow.parse(writes).enabled },
        brake: brakeOf(found.get(BRAKE_ROW)),
        caller: caller === undefined ? EMPTY.caller : CallerEntity.parse(caller),
        target:
          targetId === undefined
            ? undefined
            : target === undefined
              ? { taps: [], resets: [] }
              : TargetEntity.parse(target),
      };
    },

    async commit({ callerId, targetId, caller, target, brake }) {
      const actions: TransactionAction[] = [];
      const guarded = (rowKey: string, etag: string | undefined, properties: Record<string, unknown>) => {
        const entity = { partitionKey: LIMITS_PARTITION, rowKey, ...properties };
        actions.push(etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag }]);
      };
      if (caller) {
        guarded(callerRowKey(callerId), caller.etag, { callerId, calls: JSON.stringify(caller.calls) });
      }
      if (target) {
        guarded(targetRowKey(targetId), target.etag, {
          targetId,
          taps: JSON.stringify(target.taps),
          resets: JSON.stringify(target.resets),
        });
      }
      if (brake) {
        guarded(BRAKE_ROW, brake.etag, {
          engaged: brake.engaged,
          recent: JSON.stringify(brake.recent),
          ...(brake.trippedAt ? { trippedAt: brake.trippedAt } : {}),
        });
      }
      if (actions.length === 0) return true;
      const client = await table();
      try {
        await client.submitTransaction(actions, deadline());
        return true;
      } catch (error) {
        const status = storageStatus(error);
        if (status === 409 || status === 412) return false;
        throw error;
      }
    },

    async readState() {
      const client = await table();
      const found = await rowsByKey(client, [WRITES_ROW, BRAKE_ROW]);
      const writes = found.get(WRITES_ROW);
      return {
        writes: writes === undefined ? { enabled: true } : WritesRow.parse(writes),
        brake: brakeOf(found.get(BRAKE_ROW)),
      };
    },

    async setWrites(enabled, changedBy) {
      const client = await table();
      const stored = { enabled, changedAt: now().toISOString(), changedBy };
      // A switch: the last administrator's word is the state, so no ETag is needed.
      await client.upsertEntity(
        { partitionKey: LIMITS_PARTITION, rowKey: WRITES_ROW, ...stored },
        'Replace',
        deadline(),
      );
      return stored;
    },

    async releaseBrake(releasedBy) {
      const client = await table();
      for (let round = 0; round < MAX_RELEASE_ROUNDS; round++) {
        const brake = brakeOf((await rowsByKey(client, [BRAKE_ROW])).get(BRAKE_ROW));
        if (!brake.engaged || brake.etag === undefined) return { wasEngaged: false };
        try {
          await client.updateEntity(
            {
              partitionKey: LIMITS_PARTITION,
              rowKey: BRAKE_ROW,
              engaged: false,
              recent: '[]',
              releasedAt: now().toISOString(),
              releasedBy,
            },
            'Replace',
            { etag: brake.etag, ...deadline() },
          );
          return { wasEngaged: true, ...(brake.trippedAt ? { trippedAt: brake.trippedAt } : {}) };
        } catch (error) {
          if (storageStatus(error) !== 412) throw error;
        }
      }
      throw new Error('the brake row kept changing while it was being released');
    },
  };
}
