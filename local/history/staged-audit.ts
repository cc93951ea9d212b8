import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';

import { forEachLimited } from '../../src/lib/concurrency';
import { storageOptions } from '../../src/lib/storage/storage-deadline';

type Entity = TableEntity<Record<string, unknown>>;

/** Table Storage takes at most 100 operations per entity-group transaction. */
const TRANSACTION_SIZE = 100;
const TRANSACTIONS_AT_ONCE = 4;

/**
 * The three calls the audit log makes on its table (create a row, read it back, replace it),
 * kept in memory: the audit log's own code makes every row (keys, clipping, the secret guard,
 * started → outcome), and `flush` sends the finished rows in transactions, a few round trips
 * instead of three per row.
 */
export function stagedAuditTable() {
  const rows = new Map<string, Entity>();
  const key = (partitionKey: string, rowKey: string) => `${partitionKey}\u0000${rowKey}`;
  const staged = {
    createEntity(entity: Entity) {
      const id = key(entity.partitionKey, entity.rowKey);
      if (rows.has(id)) throw new Error(`audit row ${entity.rowKey} staged twice`);
      rows.set(id, entity);
      return Promise.resolve({ etag: 'staged' });
    },
    getEntity(partitionKey: string, rowKey: string) {
      const row = rows.get(key(partitionKey, rowKey));
      if (row === undefined) throw new Error(`no staged audit row ${rowKey}`);
      return Promise.resolve({ ...row, etag: 'staged' });
    },
    updateEntity(entity: Entity) {
      rows.set(key(entity.partitionKey, entity.rowKey), entity);
      return Promise.resolve({ etag: 'staged' });
    },
  };
  return {
    // Only these three methods are ever called on it (src/lib/storage/audit-log.ts: start, complete, refused).
    table: () => Promise.resolve(staged as unknown as TableClient),
    get size() {
      return rows.size;
    },
    /** Writes the staged rows into `target` (every row lives in the audit partition). */
    async flush(target: TableClient): Promise<void> {
      const entities = [...rows.values()].sort((a, b) => a.rowKey.localeCompare(b.rowKey));
      const chunks: Entity[][] = [];
      for (let i = 0; i < entities.length; i += TRANSACTION_SIZE)
        chunks.push(entities.slice(i, i + TRANSACTION_SIZE));
      await forEachLimited(chunks, TRANSACTIONS_AT_ONCE, async (chunk) => {
        const actions: TransactionAction[] = chunk.map((entity) => ['create', entity]);
        await target.submitTransaction(actions, storageOptions());
      });
    },
  };
}
