import type { TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';

import { type Config, loadConfig } from './config';
import { createGraphClient } from './graph/client';
import { createCredential } from './identity';
import { createTableService } from './storage/table-service';

export interface Services {
  config: Config;
  credential: TokenCredential;
  graph: Client;
  tables: TableServiceClient;
}

let services: Services | undefined;

/** The composition root: settings read once, clients built once per process, on first use. */
export function getServices(): Services {
  if (!services) {
    const config = loadConfig();
    const credential = createCredential(config.identity);
    services = {
      config,
      credential,
      graph: createGraphClient(config.graph, credential),
      tables: createTableService(config.storage, credential),
    };
  }
  return services;
}
