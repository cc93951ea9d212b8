import type { TableClient } from '@azure/data-tables';

import { storageOptions } from './storage-deadline';

/** The tables this service owns. Names: letters and digits, 3–63 characters, starting with a letter. */
export const TABLES = {
  audit: 'Audit',
  idempotency: 'Idempotency',
  suspensions: 'Suspensions',
  lockouts: 'Lockouts',
  scanState: 'ScanState',
  approvals: 'Approvals',
  limits: 'Limits',
  registrationSnapshots: 'RegistrationSnapshots',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

/** Resolves to a client for a table that exists. */
export type TableSource = (name: string) => Promise<TableClient>;

/**
 * Wraps a client factory so each table is created at most once per process: the first caller
 * creates it, later callers share the same promise. A failed creation is forgotten, so the next call
 * tries again instead of the process staying broken after one storage outage.
 */
export function createTableSource(makeClient: (name: string) => TableClient): TableSource {
  const ready = new Map<string, Promise<TableClient>>();
  return (name) => {
    let table = ready.get(name);
    if (!table) {
      const client = makeClient(name);
      // createTable already treats 409 TableAlreadyExists as success (another instance won the race).
      // Bounded like every storage call: a creation cut short is forgotten and tried again.
      table = client.createTable(storageOptions()).then(() => client);
      ready.set(name, table);
      table.catch(() => ready.delete(name));
    }
    return table;
  };
}
