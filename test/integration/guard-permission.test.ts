import { describe, expect, it } from 'vitest';

import { DEFAULT_APP_ROLES } from '../../local/identity';
import { demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { checkError, guardDeps } from './guard-support';

// A file of its own: MSAL caches the first token per process, so the withdrawn role must be set
// before this file's first token request.
const fixture = useGraphSimulator();

describe('the guard without RoleManagement.Read.Directory', () => {
  it('fails closed on PIM’s 403 (PermissionScopeNotGranted) and never allows', async () => {
    fixture.identity.setRoles(DEFAULT_APP_ROLES.filter((role) => role !== 'RoleManagement.Read.Directory'));
    const error = await checkError(guardDeps(fixture), demoSeedUser('ordinaryUser').id);
    expect(error).toMatchObject({ code: 'guard_unavailable', status: 503 });
    expect(error.options.graphCode).toBe('PermissionScopeNotGranted');
    const step = fixture.simulator.requests().find((request) => request.batchStepId === 'u-el');
    expect(step?.status).toBe(403);
    expect(error.options.graphRequestId).toBe(step?.requestId);
  });
});
