import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import { createQueueService } from '../../../src/lib/storage/queue-service';

const NO_TOKEN: TokenCredential = { getToken: (): Promise<AccessToken | null> => Promise.resolve(null) };
const KEY = Buffer.from('not-a-real-key').toString('base64');
const withQueueEndpoint = (endpoint: string) => ({
  connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};QueueEndpoint=${endpoint};`,
});

describe('queue service factory', () => {
  it('uses the queue endpoint with the managed identity in Azure mode', () => {
    const service = createQueueService(
      {
        tableEndpoint: 'https://acct.table.core.windows.net',
        queueEndpoint: 'https://acct.queue.core.windows.net',
      },
      NO_TOKEN,
    );
    expect(new URL(service.url).origin).toBe('https://acct.queue.core.windows.net');
  });

  it('allows plain HTTP to an emulator on this machine', () => {
    const service = createQueueService(
      withQueueEndpoint('http://127.0.0.1:10001/devstoreaccount1'),
      NO_TOKEN,
    );
    expect(service.url).toBe('http://127.0.0.1:10001/devstoreaccount1');
  });

  it('allows HTTPS to a remote account from a connection string', () => {
    const service = createQueueService(withQueueEndpoint('https://acct.queue.core.windows.net'), NO_TOKEN);
    expect(new URL(service.url).origin).toBe('https://acct.queue.core.windows.net');
  });

  it('refuses plain HTTP to anything else, naming the endpoint', () => {
    expect(() => createQueueService(withQueueEndpoint('http://storage.example.net/acct'), NO_TOKEN)).toThrow(
      'Queue endpoint http://storage.example.net must use HTTPS (plain HTTP is for a local emulator only).',
    );
    expect(() =>
      createQueueService(
        {
          tableEndpoint: 'https://acct.table.core.windows.net',
          queueEndpoint: 'http://acct.queue.core.windows.net',
        },
        NO_TOKEN,
      ),
    ).toThrow(/must use HTTPS/);
  });
});
