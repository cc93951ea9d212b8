import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, unsetGuardSettingsWarning } from '../../../src/lib/config';

const AZURITE = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('loadConfig', () => {
  it('defaults to Graph itself, managed identity and the SDK retry budget', () => {
    const config = loadConfig(AZURITE);
    expect(config.graph).toEqual({
      baseUrl: 'https://graph.microsoft.com',
      customHosts: new Set(),
      maxRetries: 3,
      maxRetryWaitSeconds: 10,
      requestTimeoutMs: 30_000,
    });
    expect(config.identity).toEqual({ credential: 'managedIdentity', clientId: undefined });
    expect(config.storage).toEqual({ connectionString: 'UseDevelopmentStorage=true' });
  });

  it('adds a non-Graph host to customHosts so the SDK sends it the token', () => {
    const config = loadConfig({ ...AZURITE, GRAPH_BASE_URL: 'https://localhost:8443/' });
    expect(config.graph.baseUrl).toBe('https://localhost:8443');
    expect(config.graph.customHosts).toEqual(new Set(['localhost']));
  });

  it('takes table and queue endpoints for managed-identity access to storage', () => {
    const config = loadConfig({
      STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net',
      STORAGE_QUEUE_ENDPOINT: 'https://acct.queue.core.windows.net',
    });
    expect(config.storage).toEqual({
      tableEndpoint: 'https://acct.table.core.windows.net',
      queueEndpoint: 'https://acct.queue.core.windows.net',
    });
  });

  it('needs the queue endpoint with the table endpoint', () => {
    expect(() => loadConfig({ STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net' })).toThrow(
      /STORAGE_QUEUE_ENDPOINT: is required/,
    );
  });

  it('protects the documented admin roles and nobody else by default', () => {
    const config = loadConfig(AZURITE);
    expect(config.guard.protectedRoleTemplateIds.size).toBe(11);
    expect(config.guard.protectedRoleTemplateIds.has('62e90394-69f5-4237-9190-012177145e10')).toBe(true);
    expect(config.guard.breakGlassObjectIds.size).toBe(0);
    expect(config.guard.protectedGroupIds.size).toBe(0);
    expect([...config.guard.verificationMethods]).toContain('video_call');
  });

  it('reads break-glass ids as a lower-cased list', () => {
    const config = loadConfig({
      ...AZURITE,
      BREAK_GLASS_OBJECT_IDS: 'A6B3F3D0-E136-41FC-8705-EB57A4E6E3BD, 6325021a-7d16-489e-be27-7e6ee610136e',
    });
    expect([...config.guard.breakGlassObjectIds]).toEqual([
      'a6b3f3d0-e136-41fc-8705-eb57a4e6e3bd',
      '6325021a-7d16-489e-be27-7e6ee610136e',
    ]);
  });

  it('refuses a break-glass entry that is not an object id', () => {
    expect(() => loadConfig({ ...AZURITE, BREAK_GLASS_OBJECT_IDS: 'breakglass@contoso.com' })).toThrow(
      /BREAK_GLASS_OBJECT_IDS.*must list object ids/,
    );
  });

  it('bounds actions by the time budget and the suspension limit', () => {
    const config = loadConfig({
      ...AZURITE,
      ACTION_TIME_BUDGET_SECONDS: '20',
      MFA_SUSPEND_MAX_MINUTES: '60',
    });
    expect(config.actions).toMatchObject({ timeBudgetMs: 20_000, maxSuspendMinutes: 60 });
    expect(config.queues.recoveryEvents).toBe('recovery-events');
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

describe('unsetGuardSettingsWarning', () => {
  const BREAK_GLASS = 'a6b3f3d0-e136-41fc-8705-eb57a4e6e3bd';
  const GROUP = 'fff023fd-733e-49c0-9745-1038f3507c3f';

  it('names both settings when both are empty', () => {
    const warning = unsetGuardSettingsWarning(loadConfig(AZURITE).guard);
    expect(warning).toMatch(/BREAK_GLASS_OBJECT_IDS/);
    expect(warning).toMatch(/PROTECTED_GROUP_IDS/);
  });

  it('names only the empty one', () => {
    const warning = unsetGuardSettingsWarning(
      loadConfig({ ...AZURITE, BREAK_GLASS_OBJECT_IDS: BREAK_GLASS }).guard,
    );
    expect(warning).not.toMatch(/BREAK_GLASS_OBJECT_IDS/);
    expect(warning).toMatch(/PROTECTED_GROUP_IDS/);
  });

  it('is silent when both are set', () => {
    const config = loadConfig({
      ...AZURITE,
      BREAK_GLASS_OBJECT_IDS: BREAK_GLASS,
      PROTECTED_GROUP_IDS: GROUP,
    });
    expect(unsetGuardSettingsWarning(config.guard)).toBeUndefined();
  });
});
