import type { TokenCredential } from '@azure/identity';
import { QueueServiceClient, type StoragePipelineOptions } from '@azure/storage-queue';

import type { Config } from '../config';
import { isLoopbackHttp } from './loopback';

/** Extra SDK options, e.g. `{ retryOptions: { maxTries: 1 } }` in a test of a dead store. */
export type QueueClientOptions = StoragePipelineOptions;

/**
 * Connection string for Azurite, `queueEndpoint` + the managed identity in Azure. The queue SDK
 * always allows plain HTTP (unlike the table SDK), so the loopback-only rule of table-service.ts is
 * enforced here on the URL the client will actually call.
 */
export function createQueueService(
  storage: Config['storage'],
  credential: TokenCredential,
  options: QueueClientOptions = {},
): QueueServiceClient {
  const client =
    'connectionString' in storage
      ? QueueServiceClient.fromConnectionString(storage.connectionString, options)
      : new QueueServiceClient(storage.queueEndpoint, credential, options);
  if (new URL(client.url).protocol !== 'https:' && !isLoopbackHttp(client.url)) {
    throw new Error(
      `Queue endpoint ${new URL(client.url).origin} must use HTTPS (plain HTTP is for a local emulator only).`,
    );
  }
  return client;
}
