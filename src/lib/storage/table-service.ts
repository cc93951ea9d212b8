import { TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';

import type { Config } from '../config';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain HTTP is allowed only for an emulator on this machine (Azurite); Azure is always HTTPS. */
function isLoopbackHttp(connectionString: string): boolean {
  const endpoint = /TableEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  if (!endpoint) return /UseDevelopmentStorage=true/i.test(connectionString);
  const url = new URL(endpoint);
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

export function createTableService(
  storage: Config['storage'],
  credential: TokenCredential,
): TableServiceClient {
  if ('connectionString' in storage) {
    return TableServiceClient.fromConnectionString(storage.connectionString, {
      allowInsecureConnection: isLoopbackHttp(storage.connectionString),
    });
  }
  return new TableServiceClient(storage.tableEndpoint, credential);
}
