import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import { createTableClient, createTableService } from '../../../src/lib/storage/table-service';
import { closedPort } from '../../support/closed-port';

const NO_TOKEN: TokenCredential = { getToken: (): Promise<AccessToken | null> => Promise.resolve(null) };
const AZURE = {
  tableEndpoint: 'https://acct.table.core.windows.net',
  queueEndpoint: 'https://acct.queue.core.windows.net',
};

describe('Table Storage clients', () => {
  it('use the account endpoint with the managed identity in Azure mode', () => {
    expect(new URL(createTableService(AZURE, NO_TOKEN).url).origin).toBe(AZURE.tableEndpoint);
    const client = createTableClient(AZURE, NO_TOKEN, 'Audit');
    expect(new URL(client.url).origin).toBe(AZURE.tableEndpoint);
    expect(client.tableName).toBe('Audit');
  });

  it('reach Azurite through UseDevelopmentStorage=true over loopback HTTP', () => {
    const storage = { connectionString: 'UseDevelopmentStorage=true' };
    expect(new URL(createTableService(storage, NO_TOKEN).url).hostname).toBe('127.0.0.1');
    expect(new URL(createTableClient(storage, NO_TOKEN, 'Audit').url).protocol).toBe('http:');
  });

  it('refuse plain HTTP to a remote account before sending anything', async () => {
    const remote = {
      connectionString:
        'DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=a2V5;TableEndpoint=http://storage.example.net/acct;',
    };
    await expect(createTableClient(remote, NO_TOKEN, 'Audit').getEntity('p', 'r')).rejects.toThrow(
      /insecure|https/i,
    );
  });

  it('refuse plain HTTP to a remote account named by its endpoint suffix', async () => {
    const remote = {
      connectionString:
        'DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net',
    };
    await expect(createTableService(remote, NO_TOKEN).getProperties()).rejects.toThrow(/insecure|https/i);
    await expect(createTableClient(remote, NO_TOKEN, 'Audit').getEntity('p', 'r')).rejects.toThrow(
      /insecure|https/i,
    );
  });

  it('allow plain HTTP to an emulator on this machine, named by its table endpoint', async () => {
    const port = await closedPort();
    const local = {
      connectionString:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;' +
        `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/x;`,
    };
    const options = { retryOptions: { maxRetries: 0 } };
    const client = createTableClient(local, NO_TOKEN, 'Audit', options);
    expect(new URL(client.url).port).toBe(String(port));
    // Sent, and refused by the closed port: not stopped as insecure before sending.
    await expect(client.getEntity('p', 'r')).rejects.toThrow(/ECONNREFUSED/);
    await expect(createTableService(local, NO_TOKEN, options).getProperties()).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
