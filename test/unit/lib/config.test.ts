import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../../src/lib/config';

const AZURITE = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('loadConfig', () => {
  it('defaults to Graph itself, managed identity and the SDK retry budget', () => {
    const config = loadConfig(AZURITE);
    expect(config.graph).toEqual({
      baseUrl: 'https://graph.microsoft.com',
      customHosts: new Set(),
      maxRetries: 3,
      maxRetryWaitSeconds: 10,
    });
    expect(config.identity).toEqual({ credential: 'managedIdentity', clientId: undefined });
    expect(config.storage).toEqual({ connectionString: 'UseDevelopmentStorage=true' });
  });

  it('adds a non-Graph host to customHosts so the SDK sends it the token', () => {
    const config = loadConfig({ ...AZURITE, GRAPH_BASE_URL: 'https://localhost:8443/' });
    expect(config.graph.baseUrl).toBe('https://localhost:8443');
    expect(config.graph.customHosts).toEqual(new Set(['localhost']));
  });

  it('takes a table endpoint for managed-identity access to storage', () => {
    const config = loadConfig({ STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net' });
    expect(config.storage).toEqual({ tableEndpoint: 'https://acct.table.core.windows.net' });
  });

  it('treats empty settings as unset', () => {
    const config = loadConfig({ ...AZURITE, AZURE_CLIENT_ID: '', GRAPH_BASE_URL: ' ' });
    expect(config.identity.clientId).toBeUndefined();
    expect(config.graph.baseUrl).toBe('https://graph.microsoft.com');
  });

  it('reads the user-assigned identity client id and the credential choice', () => {
    const clientId = '6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6c';
    const config = loadConfig({ ...AZURITE, AZURE_CLIENT_ID: clientId, GRAPH_CREDENTIAL: 'default' });
    expect(config.identity).toEqual({ credential: 'default', clientId });
  });

  it('names every invalid setting in one error', () => {
    let message = '';
    try {
      loadConfig({
        GRAPH_BASE_URL: 'http://graph.example',
        AZURE_CLIENT_ID: 'me',
        GRAPH_MAX_RETRIES: 'lots',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/GRAPH_BASE_URL: must be an https:\/\/ URL/);
    expect(message).toMatch(/AZURE_CLIENT_ID: must be a GUID/);
    expect(message).toMatch(/GRAPH_MAX_RETRIES: must be a positive whole number/);
    expect(message).toMatch(/STORAGE_CONNECTION_STRING: set exactly one of/);
  });

  it('refuses both storage settings at once', () => {
    expect(() =>
      loadConfig({ ...AZURITE, STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net' }),
    ).toThrow(/set exactly one of/);
  });

  it('refuses an unknown credential kind', () => {
    expect(() => loadConfig({ ...AZURITE, GRAPH_CREDENTIAL: 'clientSecret' })).toThrow(/GRAPH_CREDENTIAL/);
  });
});
