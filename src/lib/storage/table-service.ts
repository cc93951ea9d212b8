import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';

import type { Config } from '../config';
import { isLoopbackHttp } from './loopback';

/** Extra SDK options, e.g. `{ retryOptions: { maxRetries: 0 } }` in a test of a dead store. */
export type TableClientOptions = Omit<TableServiceClientOptions, 'allowInsecureConnection'>;

function tableEndpoint(connectionString: string): string | undefined {
  return /TableEndpoint=([^;]+)/i.exec(connectionString)?.[1];
}

function allowsInsecure(connectionString: string): boolean {
  const endpoint = tableEndpoint(connectionString);
  if (!endpoint) return /UseDevelopmentStorage=true/i.test(connectionString);
  return isLoopbackHttp(endpoint);
}

export function createTableService(
  storage: Config['storage'],
  credential: TokenCredential,
  options: TableClientOptions = {},
): TableServiceClient {
  if ('connectionString' in storage) {
    return TableServiceClient.fromConnectionString(storage.connectionString, {
      ...options,
      allowInsecureConnection: allowsInsecure(storage.connectionString),
    });
  }
  return new TableServiceClient(storage.tableEndpoint, credential, options);
}

/** A client for one table, on the same account, credential and transport rules as the service. */
export function createTableClient(
  storage: Config['storage'],
  credential: TokenCredential,
  tableName: string,
  options: TableClientOptions = {},
): TableClient {
  if ('connectionString' in storage) {
    return TableClient.fromConnectionString(storage.connectionString, tableName, {
      ...options,
      allowInsecureConnection: allowsInsecure(storage.connectionString),
    });
  }
  return new TableClient(storage.tableEndpoint, tableName, credential, options);
}
