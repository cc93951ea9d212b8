import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';

import type { ScanState, ScanStateStore, StoredScanState } from '../detection/repositories';
import { clip } from './clip';
import { storageOptions } from './storage-deadline';
import { requireEtag, storageStatus } from './storage-errors';

const PARTITION = 'detection';
const ROW = 'signIns';

const RowSchema = z.object({
  watermark: z.string().optional(),
  lastRunAt: z.string().optional(),
  lastOutcome: z.enum(['complete', 'incomplete', 'superseded', 'failed', 'unlicensed']).optional(),
  condition: z.enum(['ok', 'gap', 'unlicensed']).catch('ok'),
  conditionSince: z.string().optional(),
  lastError: z.string().optional(),
  etag: z.string(),
});

/** The sign-in scan's watermark: one row, every write ETag-guarded (two runs cannot both advance it). */
export function createTableScanStateStore(options: { table: () => Promise<TableClient> }): ScanStateStore {
  return {
    async read(): Promise<StoredScanState> {
      const client = await options.table();
      try {
        const row = RowSchema.parse(await client.getEntity(PARTITION, ROW, storageOptions()));
        const state: StoredScanState = { condition: row.condition, etag: row.etag };
        for (const key of ['watermark', 'lastRunAt', 'lastOutcome', 'conditionSince', 'lastError'] as const) {
          if (row[key] !== undefined) Object.assign(state, { [key]: row[key] });
        }
        return state;
      } catch (error) {
        if (storageStatus(error) === 404) return { condition: 'ok' };
        throw error;
      }
    },

    async write(state: ScanState, etag: string | undefined): Promise<boolean> {
      const client = await options.table();
      const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
        partitionKey: PARTITION,
        rowKey: ROW,
      };
      for (const [key, value] of Object.entries(state)) {
        if (value !== undefined) entity[key] = key === 'lastError' ? clip(String(value), 1000) : value;
      }
      try {
        if (etag === undefined) await client.createEntity(entity, storageOptions());
        else await client.updateEntity(entity, 'Replace', { etag: requireEtag(etag), ...storageOptions() });
        return true;
      } catch (error) {
        const status = storageStatus(error);
        if (status === 409 || status === 412 || status === 404) return false;
        throw error;
      }
    },
  };
}
