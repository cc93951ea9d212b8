import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';

import type { TableClient } from '@azure/data-tables';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, beforeAll } from 'vitest';

import { type Azurite, startAzurite } from '../../../local/azurite';
import type { Config } from '../../../src/lib/config';
import { createTableClient, type TableClientOptions } from '../../../src/lib/storage/table-service';
import { createTableSource } from '../../../src/lib/storage/tables';

/** Connection-string mode never asks for a token; anything that does is a bug the test should see. */
export const NO_CREDENTIAL: TokenCredential = {
  getToken: (): Promise<AccessToken | null> =>
    Promise.reject(new Error('no token in connection-string mode')),
};

export interface AzuriteFixture {
  readonly azurite: Azurite;
  readonly storage: Config['storage'];
  /** A client for a new, empty table with a unique name, so tests never see each other's rows. */
  freshTable(options?: TableClientOptions): Promise<TableClient>;
  /** A store that `create` makes over a fresh table. */
  freshStore<S>(create: (options: { table: () => Promise<TableClient> }) => S): Promise<S>;
  /** A unique table or queue name with the given prefix. */
  uniqueName(prefix: string): string;
}

/** Starts Azurite (free ports, temporary folder) for the file in beforeAll; stops it in afterAll. */
export function useAzurite(): AzuriteFixture {
  let azurite: Azurite | undefined;
  const fixture: AzuriteFixture = {
    get azurite() {
      if (!azurite) throw new Error('Azurite is not started yet (use it inside a test or hook)');
      return azurite;
    },
    get storage() {
      return { connectionString: fixture.azurite.connectionString };
    },
    async freshTable(options) {
      const name = fixture.uniqueName('t');
      const source = createTableSource((table) =>
        createTableClient(fixture.storage, NO_CREDENTIAL, table, options),
      );
      return await source(name);
    },
    async freshStore(create) {
      const table = await fixture.freshTable();
      return create({ table: () => Promise.resolve(table) });
    },
    uniqueName: (prefix) => `${prefix}${randomUUID().replaceAll('-', '').slice(0, 20)}`,
  };
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  return fixture;
}

/** A connection string for a loopback port nothing listens on: bound, released, then refused. */
export async function deadStorage(): Promise<Config['storage']> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const key = Buffer.from('not-a-real-key').toString('base64');
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};` +
      `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
  };
}

/** A clock the test moves by hand, instead of sleeping. */
export function manualClock(start = new Date('2025-06-02T09:00:00.000Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (time: Date) => {
      current = time.getTime();
    },
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** The URLs of the requests `table` sends from now on, to count a store's round trips. */
export function recordRequests(table: TableClient): URL[] {
  const requests: URL[] = [];
  table.pipeline.addPolicy({
    name: 'recordRequests',
    sendRequest: (request, next) => {
      requests.push(new URL(request.url));
      return next(request);
    },
  });
  return requests;
}
