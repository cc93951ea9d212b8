import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

import type { Config } from './config';

/**
 * Managed identity in Azure (and against the local token endpoint); DefaultAzureCredential when a
 * developer points the app at their own tenant and signs in with the Azure CLI or VS Code.
 */
export function createCredential(identity: Config['identity']): TokenCredential {
  const { clientId } = identity;
  if (identity.credential === 'default') {
    return new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
  }
  return new ManagedIdentityCredential(clientId ? { clientId } : {});
}
