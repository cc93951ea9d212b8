import { demoGuardSettings } from '../../local/demo-guard-settings';
import { type FunctionsHostProcess, startFunctionsHostProcess } from '../../local/functions-host-process';
import { CA_CERT_PATH, type Stack } from '../../local/stack';

export type RestartedHost = Pick<Stack, 'baseUrl' | 'functionKey' | 'callerAuth' | 'callerTokens'> & {
  host: FunctionsHostProcess;
};

/**
 * Stops the stack's functions host and starts a new one on the same Azurite, simulator and identity
 * endpoint, as a restart (or another instance) would: only what is in storage carries over.
 */
export async function restartHost(
  stack: Stack,
  appSettings: Record<string, string> = {},
): Promise<RestartedHost> {
  await stack.host.stop();
  const host = await startFunctionsHostProcess({
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: CA_CERT_PATH,
      FUNCTIONS_WORKER_RUNTIME: 'node',
      FUNCTIONS_HTTP_PORT: '0',
      FUNCTIONS_FUNCTION_KEY: stack.functionKey,
      FUNCTIONS_MASTER_KEY: stack.masterKey,
      FUNCTIONS_TIMERS: 'off',
      AzureWebJobsStorage: stack.storageConnectionString,
      STORAGE_CONNECTION_STRING: stack.storageConnectionString,
      GRAPH_BASE_URL: stack.graphUrl,
      IDENTITY_ENDPOINT: stack.identityEndpoint,
      IDENTITY_HEADER: stack.identityHeader,
      AZURE_CLIENT_ID: stack.identity.clientId,
      CALLER_AUTH: stack.callerAuth,
      CALLER_TENANT_ID: stack.identity.tenantId,
      CALLER_API_CLIENT_ID: stack.identity.apiClientId,
      CALLER_JWKS_URL: stack.identity.jwksUrl,
      RESTORE_SUSPENDED_MFA_SCHEDULE: '0 * * * * *',
      MARK_ABANDONED_ATTEMPTS_SCHEDULE: '0 */15 * * * *',
      DETECT_LOCKOUTS_SCHEDULE: '0 */5 * * * *',
      SCAN_REGISTRATION_SCHEDULE: '0 30 2 * * *',
      ...demoGuardSettings(stack.graph.state()),
      ...appSettings,
    },
  });
  return {
    host,
    baseUrl: `http://localhost:${host.port}/api`,
    functionKey: stack.functionKey,
    callerAuth: stack.callerAuth,
    callerTokens: stack.callerTokens,
  };
}
