import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import { createTableClient, createTableService } from '../../../src/lib/storage/table-service';

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
});
