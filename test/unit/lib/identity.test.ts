import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import { createCredential } from '../../../src/lib/identity';

describe('createCredential', () => {
  it('uses the managed identity, user-assigned when a client id is set', () => {
    expect(createCredential({ credential: 'managedIdentity', clientId: undefined })).toBeInstanceOf(
      ManagedIdentityCredential,
    );
    expect(
      createCredential({ credential: 'managedIdentity', clientId: '0c7f0b5e-6a0e-4c3b-9d6b-2b7c1f0e9a11' }),
    ).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('uses DefaultAzureCredential when asked, with or without a client id', () => {
    expect(createCredential({ credential: 'default', clientId: undefined })).toBeInstanceOf(
      DefaultAzureCredential,
    );
    expect(
      createCredential({ credential: 'default', clientId: '0c7f0b5e-6a0e-4c3b-9d6b-2b7c1f0e9a11' }),
    ).toBeInstanceOf(DefaultAzureCredential);
  });
});
