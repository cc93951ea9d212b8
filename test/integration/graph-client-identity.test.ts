import { describe, expect, it } from 'vitest';

import { appGraphClient, lookUpError } from '../support/app-graph-client';
import { demoTenant } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';

// A file of its own: MSAL reads the managed-identity settings and caches tokens once per process,
// and vitest gives each test file its own process.
const fixture = useGraphSimulator();

describe('Graph client with a refused identity request', () => {
  it('maps a refused managed-identity request to identity_unavailable, with no Graph call', async () => {
    const error = await lookUpError(appGraphClient(fixture, 'not-the-secret'), demoTenant().ordinaryUser.id);
    expect(error.code).toBe('identity_unavailable');
    expect(fixture.simulator.requests()).toHaveLength(0);
  });
});
