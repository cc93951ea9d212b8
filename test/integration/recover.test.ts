import { describe, expect, it } from 'vitest';

import type { GuardVerdict } from '../../src/lib/recovery/action-guard';
import { recoverUser, type RecoverUserInput } from '../../src/lib/recovery/recover-action';
import { createTapPolicyCache } from '../../src/lib/recovery/tap-policy-cache';
import { actionFakes, actionRequest } from '../support/action-fakes';
import { appGraphClient } from '../support/app-graph-client';
import { demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';

const fixture = useGraphSimulator({ resetAfterEach: true });
const user = demoSeedUser('ordinaryUser');

/** recoverUser with the app's Graph client on the simulator and in-memory stores. */
function setUp() {
  const verdict: GuardVerdict = {
    allowed: true,
    target: { id: user.id, userPrincipalName: user.userPrincipalName, groupIds: new Set() },
    graphRequestIds: [],
  };
  const fakes = actionFakes({ graph: appGraphClient(fixture), verdict });
  return { ...fakes, deps: { ...fakes.deps, tapPolicy: createTapPolicyCache(0) } };
}

const request = () =>
  actionRequest<RecoverUserInput>({
    action: 'mfa.recover',
    user: { kind: 'id', id: user.id },
    input: { revokeSessions: true },
  });

/** The user's methods read back through Graph (beta lists every type), not from the answer. */
async function relist() {
  const response = await fetch(`${fixture.simulator.url}/beta/users/${user.id}/authentication/methods`, {
    headers: { Authorization: `Bearer ${fixture.token}` },
  });
  return ((await response.json()) as { value: { id: string; '@odata.type': string }[] }).value;
}

const tapCreates = () =>
  fixture.simulator
    .requests()
    .filter((sent) => sent.method === 'POST' && sent.path.endsWith('/temporaryAccessPassMethods'));

describe('recoverUser against the simulator', () => {
  it('leaves the password and the one pass it issued, after revoking sessions', async () => {
    fixture.simulator.clearRequests();
    const setup = setUp();
    const response = await recoverUser(setup.deps, request());

    const password = user.authenticationMethods.filter((method) => method.type === 'password');
    const left = await relist();
    expect(
      left
        .filter((method) => !method['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod'))
        .map((method) => method.id),
    ).toEqual(password.map((method) => method.id));
    const passes = left.filter((method) =>
      method['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod'),
    );
    expect(passes).toHaveLength(1);
    expect(tapCreates()).toHaveLength(1);
    expect(fixture.simulator.requests().some((sent) => sent.path.endsWith('/revokeSignInSessions'))).toBe(
      true,
    );
    expect(response.body).toMatchObject({
      outcome: 'complete',
      tap: { issued: true, methodId: passes[0]?.id },
    });
    expect(setup.completed.map((result) => result.outcome)).toEqual(['succeeded']);
  });

  it('issues no pass when Graph fails a delete', async () => {
    const fido2 = user.authenticationMethods.filter((method) => method.type === 'fido2');
    fixture.simulator.injectFault({ method: 'DELETE', path: '/fido2Methods/', status: 500, count: 5 });
    fixture.simulator.clearRequests();
    const setup = setUp();
    const response = await recoverUser(setup.deps, request());

    expect(response.body).toMatchObject({
      outcome: 'partial',
      tap: { issued: false, reason: 'reset_incomplete' },
    });
    const left = (await relist()).map((method) => method.id);
    for (const method of fido2) expect(left).toContain(method.id);
    expect(tapCreates()).toEqual([]);
    expect(setup.completed.map((result) => result.outcome)).toEqual(['partial']);
  });
});
