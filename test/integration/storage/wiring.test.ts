import { TableClient } from '@azure/data-tables';
import { describe, expect, it, type MockInstance, vi } from 'vitest';

import { getServices } from '../../../src/lib/services';
import { createQueueService } from '../../../src/lib/storage/queue-service';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { createTableSource, TABLES } from '../../../src/lib/storage/tables';
import { deadStorage, NO_CREDENTIAL, useAzurite } from './azurite-fixture';

const fixture = useAzurite();

describe('queue service factory', () => {
  it('talks to Azurite over loopback HTTP', async () => {
    const service = createQueueService(fixture.storage, NO_CREDENTIAL);
    const queue = service.getQueueClient(fixture.uniqueName('q'));
    await queue.create();
    await queue.sendMessage('hello');
    const { receivedMessageItems } = await queue.receiveMessages();
    expect(receivedMessageItems.map((item) => item.messageText)).toEqual(['hello']);
  });

  it('refuses plain HTTP to anything but this machine', () => {
    const remote = fixture.azurite.connectionString.replace(
      /QueueEndpoint=[^;]+/,
      'QueueEndpoint=http://storage.example.net/devstoreaccount1',
    );
    expect(() => createQueueService({ connectionString: remote }, NO_CREDENTIAL)).toThrow(/HTTPS/);
    expect(() =>
      createQueueService(
        {
          connectionString:
            'DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net',
        },
        NO_CREDENTIAL,
      ),
    ).toThrow(/HTTPS/);
  });

  it('uses the queue endpoint with the credential in Azure mode', () => {
    const service = createQueueService(
      {
        tableEndpoint: 'https://acct.table.core.windows.net',
        queueEndpoint: 'https://acct.queue.core.windows.net',
      },
      NO_CREDENTIAL,
    );
    expect(new URL(service.url).origin).toBe('https://acct.queue.core.windows.net');
  });
});

describe('table source', () => {
  it('creates each table once, however many callers ask at the same time', async () => {
    const name = fixture.uniqueName('t');
    const creates: MockInstance<TableClient['createTable']>[] = [];
    const source = createTableSource((table) => {
      const client = createTableClient(fixture.storage, NO_CREDENTIAL, table);
      creates.push(vi.spyOn(client, 'createTable'));
      return client;
    });
    const tables = await Promise.all(Array.from({ length: 5 }, () => source(name)));
    expect(new Set(tables).size).toBe(1);
    expect(creates).toHaveLength(1);
    expect(creates[0]).toHaveBeenCalledTimes(1);
    await tables[0]!.createEntity({ partitionKey: 'p', rowKey: 'r' });
    await expect(source(name)).resolves.toBe(tables[0]);
  });

  it('tolerates a table that already exists (another instance created it)', async () => {
    const name = fixture.uniqueName('t');
    await createTableClient(fixture.storage, NO_CREDENTIAL, name).createTable();
    const source = createTableSource((table) => createTableClient(fixture.storage, NO_CREDENTIAL, table));
    await expect(source(name)).resolves.toBeInstanceOf(TableClient);
  });

  it('tries again after a failed creation instead of caching the failure', async () => {
    const dead = await deadStorage();
    const name = fixture.uniqueName('t');
    let calls = 0;
    const source = createTableSource((table) =>
      calls++ === 0
        ? createTableClient(dead, NO_CREDENTIAL, table, { retryOptions: { maxRetries: 0 } })
        : createTableClient(fixture.storage, NO_CREDENTIAL, table),
    );
    await expect(source(name)).rejects.toThrow();
    const table = await source(name);
    await table.createEntity({ partitionKey: 'p', rowKey: 'r' });
    expect(calls).toBe(2);
  });
});

describe('services: storage wiring', () => {
  it('builds the audit log, stores and publisher from config, on the named tables and queue', async () => {
    // Stubbed inside the test: the project's vitest config unstubs env before each test.
    vi.stubEnv('STORAGE_CONNECTION_STRING', fixture.azurite.connectionString);
    vi.stubEnv('STORAGE_TABLE_ENDPOINT', '');
    vi.stubEnv('RECOVERY_EVENTS_QUEUE', 'recovery-events-wiring');
    // getServices reads settings on its first call, so the stubs above are what it sees.
    const services = getServices();
    expect(getServices()).toBe(services);

    const entry = await services.audit.start({
      action: 'sessions.revoke',
      caller: 'wiring-test',
      correlationId: 'c',
    });
    const begin = await services.idempotency.begin('scope', 'key', 'fp');
    expect(begin.kind).toBe('started');
    await expect(services.suspensions.get('nobody')).resolves.toBeUndefined();
    const event = await services.events.publish({
      type: 'recovery.test',
      severity: 'info',
      correlationId: 'c',
    });

    const tables = [];
    for await (const table of services.tables.listTables()) tables.push(table.name);
    expect(tables).toEqual(expect.arrayContaining([TABLES.audit, TABLES.idempotency, TABLES.suspensions]));
    const audit = await services.audit.list({});
    expect(audit.entries.map((item) => item.id)).toEqual([entry.id]);
    const queue = services.queues.getQueueClient('recovery-events-wiring');
    const { receivedMessageItems } = await queue.receiveMessages();
    expect(receivedMessageItems.map((item) => item.messageText)).toEqual([JSON.stringify(event)]);
  });
});
