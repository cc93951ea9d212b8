import type { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';

import { createTableSource, TABLES } from '../../../src/lib/storage/tables';

describe('table names', () => {
  it('are distinct valid Table Storage names: a letter, then letters and digits, 3–63 in all', () => {
    const names = Object.values(TABLES);
    expect(names).toHaveLength(8);
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(8);
    for (const name of names) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
  });
});

/** In-memory table clients: `failures` creations fail before any succeeds. */
function fakeClients(failures = 0) {
  const made: string[] = [];
  const signals: unknown[] = [];
  let creations = 0;
  const makeClient = (name: string) => {
    made.push(name);
    return {
      tableName: name,
      createTable(options: { abortSignal?: unknown }) {
        signals.push(options.abortSignal);
        return ++creations <= failures ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve();
      },
    } as unknown as TableClient;
  };
  return { makeClient, made, signals };
}

describe('table source', () => {
  it('creates each table once and hands every caller the same client', async () => {
    const { makeClient, made, signals } = fakeClients();
    const source = createTableSource(makeClient);
    const audits = await Promise.all([source('Audit'), source('Audit'), source('Audit')]);
    const lockouts = await source('Lockouts');
    await expect(source('Audit')).resolves.toBe(audits[0]);
    expect(new Set(audits).size).toBe(1);
    expect(lockouts.tableName).toBe('Lockouts');
    expect(made).toEqual(['Audit', 'Lockouts']);
    expect(signals).toHaveLength(2);
    for (const signal of signals) expect(signal).toBeInstanceOf(AbortSignal);
  });

  it('forgets a failed creation, so the next call tries again', async () => {
    const { makeClient, made } = fakeClients(1);
    const source = createTableSource(makeClient);
    await expect(source('Audit')).rejects.toThrow('ECONNREFUSED');
    const audit = await source('Audit');
    expect(audit.tableName).toBe('Audit');
    expect(made).toEqual(['Audit', 'Audit']);
    await expect(source('Audit')).resolves.toBe(audit);
  });
});
