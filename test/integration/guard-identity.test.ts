import { describe, expect, it } from 'vitest';

import { demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { checkError, guardDeps } from './guard-support';

// A file of its own: MSAL fixes the managed-identity settings with the first credential per process.
const fixture = useGraphSimulator();

describe('the guard when the managed identity gets no token', () => {
  it('fails closed with guard_unavailable and sends nothing to Graph', async () => {
    const error = await checkError(
      guardDeps(fixture, { identityHeader: 'not-the-secret' }),
      demoSeedUser('ordinaryUser').id,
    );
    expect(error.code).toBe('guard_unavailable');
    expect(error.cause).toMatchObject({ code: 'identity_unavailable' });
    expect(fixture.simulator.requests()).toHaveLength(0);
  });
});
