import { describe, expect, it } from 'vitest';

import { DEFAULT_APP_ROLES } from '../../local/identity';
import { appGraphClient, lookUpError, methodCalls } from '../support/app-graph-client';
import { demoTenant } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';

// A file of its own: MSAL reads the managed-identity settings and caches tokens once per process,
// and vitest gives each test file its own process.
const fixture = useGraphSimulator();

describe('Graph client with a withdrawn app role', () => {
  it("maps a withdrawn app role to graph_permission_denied with Graph's code", async () => {
    fixture.identity.setRoles(
      DEFAULT_APP_ROLES.filter((role) => role !== 'UserAuthenticationMethod.Read.All'),
    );
    const error = await lookUpError(appGraphClient(fixture), demoTenant().ordinaryUser.id);
    expect(error).toMatchObject({ code: 'graph_permission_denied', status: 502 });
    expect(error.options.graphCode).toBe('Authorization_RequestDenied');
    expect(methodCalls(fixture).map((request) => request.status)).toEqual([403]);
  });
});
