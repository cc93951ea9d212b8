import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { TenantSeed } from '../../../local/graph';
import { createProtectedUsers, type ProtectedUsers } from '../../../src/lib/detection/protected-users';
import { type DemoPart, demoSeed, demoSeedUser } from '../../support/demo-tenant';
import { useGraphSimulator } from '../../support/graph-fixture';
import { check, demoSeedWith, guardDeps, roundTrips } from '../guard-support';

// The lockout scan's protected-users look-up against the simulator's demo tenant, judged by the
// guard (checkTarget) itself: for every user both must say the same, at a fixed number of Graph
// round trips however many users are asked about.

const fixture = useGraphSimulator({ resetAfterEach: true });

/** The demo parts and whether the guard protects each (its own tests say why). */
const KINDS: [DemoPart, boolean][] = [
  ['globalAdministrator', true],
  ['breakGlass', true],
  ['eligibleGlobalAdministrator', true],
  ['roleGroupMember', true],
  ['eligibleRoleGroupMember', true],
  ['pimGroupEligibleMember', true],
  ['protectedGroupMember', true],
  ['scopedAdministrator', true],
  ['ordinaryUser', false],
];

function lookUp(options: { baseUrl?: string } = {}): ProtectedUsers {
  const deps = guardDeps(fixture, options);
  return createProtectedUsers(deps.graph, { guard: deps.guard, graph: deps.graphConfig });
}

/** The guard's verdict for each user of the tenant now loaded: protected or not. */
async function guardVerdicts(userIds: readonly string[]): Promise<Map<string, boolean>> {
  const deps = guardDeps(fixture);
  const verdicts = new Map<string, boolean>();
  for (const id of userIds) verdicts.set(id, !(await check(deps, id)).allowed);
  fixture.simulator.clearRequests();
  return verdicts;
}

async function expectAgreement(seed: TenantSeed | undefined) {
  if (seed !== undefined) fixture.simulator.reset(seed);
  const ids = (seed ?? demoSeed()).users.map((user) => user.id);
  const expected = await guardVerdicts(ids);
  const found = await lookUp()(ids);
  expect(new Map(ids.map((id) => [id, found.has(id)]))).toEqual(expected);
  return { expected, found };
}

describe('protected users, as the guard decides', () => {
  it('agrees with the guard on every demo user, each kind of protection included', async () => {
    const { expected } = await expectAgreement(undefined);
    // The guard's own verdicts for the demo parts, so that a shared blind spot can't pass.
    expect(KINDS.map(([part]) => [part, expected.get(demoSeedUser(part).id)])).toEqual(KINDS);
    // A member of a role-assignable group that holds no protected role (Helpdesk Operators).
    const grady = demoSeed().users.find((user) => user.userPrincipalName.startsWith('GradyA@'));
    expect(grady && expected.get(grady.id)).toBe(true);
  });

  it('agrees with the guard in a tenant without P2 (nothing is PIM-eligible there)', async () => {
    const { expected } = await expectAgreement({ ...demoSeedWith(() => undefined), licences: { p2: false } });
    expect(expected.get(demoSeedUser('eligibleGlobalAdministrator').id)).toBe(false);
    expect(expected.get(demoSeedUser('globalAdministrator').id)).toBe(true);
  });

  it('agrees with the guard on PIM for Groups eligibility of every kind', async () => {
    const user = (prefix: string) => {
      const found = demoSeed().users.find((candidate) => candidate.userPrincipalName.startsWith(prefix));
      if (found === undefined) throw new Error(`no ${prefix} in the demo seed`);
      return found.id;
    };
    const unused = randomUUID();
    const seed = demoSeedWith((changed) => {
      const groupId = (name: string) => changed.groups?.find((group) => group.displayName === name)?.id ?? '';
      changed.groups?.push({ id: unused, displayName: 'Unused Role Group', isAssignableToRole: true });
      changed.groupEligibilities?.push(
        // A role-assignable group holding only a role that isn't protected: still protected.
        { groupId: groupId('Helpdesk Operators'), principalId: user('IsaiahL@'), accessId: 'member' },
        // The protected group, as an eligible owner.
        { groupId: groupId('Payment Approvers'), principalId: user('DiegoS@'), accessId: 'owner' },
        // A role-assignable group holding nothing: the guard can't tell, so not protected.
        { groupId: unused, principalId: user('PattiF@'), accessId: 'member' },
      );
    });
    const { expected } = await expectAgreement(seed);
    expect(['IsaiahL@', 'DiegoS@', 'PattiF@'].map((prefix) => expected.get(user(prefix)))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('agrees with the guard when a group member list runs over several pages', async () => {
    const extra = Array.from({ length: 1000 }, (_, i) => ({
      id: randomUUID(),
      userPrincipalName: `helper${i}@contoso.onmicrosoft.com`,
      displayName: `Helper ${i}`,
    }));
    const seed = demoSeedWith((changed) => {
      changed.users.push(...extra);
      const group = changed.groups?.find((candidate) => candidate.displayName === 'Helpdesk Operators');
      group?.memberIds?.push(...extra.map((user) => user.id));
    });
    fixture.simulator.reset(seed);
    const last = extra.at(-1)?.id ?? '';
    const found = await lookUp()([last, demoSeedUser('ordinaryUser').id]);
    expect([...found]).toEqual([last]);
    expect(roundTrips(fixture).filter((trip) => trip.method === 'GET')).toHaveLength(1);
  });
});

describe('protected users, the cost', () => {
  it('takes the same few round trips for one user as for 5,000', async () => {
    const one = await lookUp()([demoSeedUser('ordinaryUser').id]);
    const forOne = roundTrips(fixture).length;
    fixture.simulator.clearRequests();
    const many = [...demoSeed().users.map((user) => user.id), ...Array.from({ length: 5000 }, randomUUID)];
    const found = await lookUp()(many);
    // Two batches of role and group look-ups, one for the role-assignable groups' members and
    // PIM for Groups eligibilities, one for the roles of the group someone is eligible for.
    expect(roundTrips(fixture).map((trip) => `${trip.method} ${trip.path}`)).toEqual(
      Array.from({ length: 4 }, () => 'POST /v1.0/$batch'),
    );
    expect(forOne).toBe(4);
    expect(one.size).toBe(0);
    expect(found.has(demoSeedUser('globalAdministrator').id)).toBe(true);
  });

  it('makes no Graph request for an empty list, nor for ids it needs no look-up for', async () => {
    expect((await lookUp()([])).size).toBe(0);
    const breakGlass = demoSeedUser('breakGlass').id;
    expect([...(await lookUp()([breakGlass.toUpperCase(), 'adele@contoso.com']))]).toEqual([
      breakGlass,
      'adele@contoso.com',
    ]);
    expect(fixture.simulator.requests()).toEqual([]);
  });
});

describe('protected users, failing closed', () => {
  const everyone = () => [demoSeedUser('ordinaryUser').id, demoSeedUser('globalAdministrator').id];

  it('marks every user protected when Graph answers a step 5xx', async () => {
    fixture.simulator.injectFault({ path: '/groups/[^/]+/transitiveMembers$', status: 503, count: 100 });
    const ids = everyone();
    expect([...(await lookUp()(ids))].sort()).toEqual([...ids].sort());
  });

  it('marks every user protected when a whole batch fails', async () => {
    fixture.simulator.injectFault({ path: '\\$batch$', status: 500, count: 100 });
    const ids = everyone();
    expect([...(await lookUp()(ids))].sort()).toEqual([...ids].sort());
  });

  it('marks every user protected rather than follow a nextLink to another origin', async () => {
    const extra = Array.from({ length: 1000 }, (_, i) => ({
      id: randomUUID(),
      userPrincipalName: `helper${i}@contoso.onmicrosoft.com`,
      displayName: `Helper ${i}`,
    }));
    fixture.simulator.reset(
      demoSeedWith((changed) => {
        changed.users.push(...extra);
        changed.groups
          ?.find((candidate) => candidate.displayName === 'Helpdesk Operators')
          ?.memberIds?.push(...extra.map((user) => user.id));
      }),
    );
    // The simulator writes its links on https://localhost:PORT, a different origin from this one.
    const simulatorUrl = new URL(fixture.simulator.url);
    const ids = everyone();
    const found = await lookUp({ baseUrl: `https://127.0.0.1:${simulatorUrl.port}` })(ids);
    expect([...found].sort()).toEqual([...ids].sort());
    expect(roundTrips(fixture).filter((trip) => trip.method === 'GET')).toEqual([]);
  });
});
