import { afterAll, beforeAll } from 'vitest';

import { getServices } from '../../src/lib/services';
import type { AzuriteFixture } from '../integration/storage/azurite-fixture';
import type { GraphFixture } from './graph-fixture';

/**
 * Registers hooks that give the app's settings as the stack would (the simulator, the identity
 * endpoint, Azurite, plus `extra`), then call getServices, which reads them once on its first call;
 * afterAll puts the environment back. Call it after useGraphSimulator and useAzurite.
 */
export function useServiceSettings(
  graph: GraphFixture,
  storage: AzuriteFixture,
  extra: () => Record<string, string> = () => ({}),
): void {
  const saved = new Map<string, string | undefined>();

  beforeAll(() => {
    const settings: Record<string, string> = {
      GRAPH_BASE_URL: graph.simulator.url,
      GRAPH_CREDENTIAL: 'managedIdentity',
      IDENTITY_ENDPOINT: graph.identity.url,
      IDENTITY_HEADER: graph.identity.header,
      AZURE_CLIENT_ID: graph.identity.clientId,
      STORAGE_CONNECTION_STRING: storage.azurite.connectionString,
      STORAGE_TABLE_ENDPOINT: '',
      ...extra(),
    };
    for (const name of Object.keys(settings)) saved.set(name, process.env[name]);
    Object.assign(process.env, settings);
    getServices();
  });

  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
