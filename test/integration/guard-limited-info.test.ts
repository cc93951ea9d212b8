import { describe, expect, it } from 'vitest';

import { DEFAULT_APP_ROLES } from '../../local/identity';
import { demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { checkError, guardDeps } from './guard-support';

// A file of its own (MSAL's process-wide token cache). Without a group read permission Graph
// lists groups with only their type and id ("limited information"), which can't show whether a
// group is role-assignable: the guard must not read that as "no protection".
const fixture = useGraphSimulator();

describe('the guard without GroupMember.Read.All', () => {
  it('fails closed on limited group objects in transitiveMemberOf', async () => {
    fixture.identity.setRoles(DEFAULT_APP_ROLES.filter((role) => role !== 'GroupMember.Read.All'));
    const error = await checkError(guardDeps(fixture), demoSeedUser('roleGroupMember').id);
    expect(error.code).toBe('guard_unavailable');
    expect(error.detail).toContain('GroupMember.Read.All');
    const step = fixture.simulator.requests().find((request) => request.batchStepId === 'memberOf');
    expect(step?.status).toBe(200);
  });
});
