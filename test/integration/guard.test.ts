import { beforeEach, describe, expect, it } from 'vitest';

import { ROLE_TEMPLATE_IDS, type TenantSeed } from '../../local/graph';
import { checkTarget, type GuardDecision } from '../../src/lib/guard';
import { UserReferenceSchema } from '../../src/lib/http/user-reference';
import type { CheckTarget } from '../../src/lib/recovery/action-guard';
import { type DemoPart, demoSeed, demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { check, checkError, demoSeedWith, guardDeps, protectedGroupId, roundTrips } from './guard-support';

// The protected-account guard (src/lib/guard) against the simulator's demo tenant, with the app's
// real credential chain. Round trips are top-level Graph requests, not batch steps.

const fixture = useGraphSimulator({ resetAfterEach: true });

const GA = ROLE_TEMPLATE_IDS.globalAdministrator;
const PRIVILEGED_ROLE_ADMIN = ROLE_TEMPLATE_IDS.privilegedRoleAdministrator;
const USER_ADMIN = ROLE_TEMPLATE_IDS.userAdministrator;
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';

function groupId(displayName: string): string {
  const group = demoSeed().groups.find((candidate) => candidate.displayName === displayName);
  if (group === undefined) throw new Error(`no group ${displayName} in the demo seed`);
  return group.id;
}

const refused = (decision: GuardDecision) => {
  if (decision.allowed) throw new Error(`expected a refusal for ${decision.target.userPrincipalName}`);
  return decision;
};

const stepsOf = (pathEnd: string) =>
  fixture.simulator.requests().filter((request) => request.inBatch && request.path.endsWith(pathEnd));

describe('the guard allows', () => {
  it('an ordinary user in one round trip when addressed by object id', async () => {
    const adele = demoSeedUser('ordinaryUser');
    const deps = guardDeps(fixture);
    // As the recovery pipeline calls it.
    const check: CheckTarget = async (user, clientRequestId) =>
      await checkTarget(deps, user, clientRequestId);
    const decision = await check(
      UserReferenceSchema.parse(adele.id.toUpperCase()),
      'e1b3f8a2-5c4d-4e6f-8a9b-0c1d2e3f4a5b',
    );
    expect(decision).toMatchObject({
      allowed: true,
      target: {
        id: adele.id,
        userPrincipalName: adele.userPrincipalName,
        displayName: adele.displayName,
        userType: 'Member',
      },
    });
    expect([...decision.target.groupIds]).toEqual([groupId('All Staff')]);
    const trips = roundTrips(fixture);
    expect(trips.map((trip) => `${trip.method} ${trip.path}`)).toEqual(['POST /v1.0/$batch']);
    expect(decision.graphRequestIds).toEqual([trips[0]?.requestId]);
    // user, memberships, and the user's eligibilities, active instances, assignments, PIM for Groups
    expect(fixture.simulator.requests().filter((request) => request.inBatch)).toHaveLength(6);
    expect(trips[0]?.clientRequestId).toBe('e1b3f8a2-5c4d-4e6f-8a9b-0c1d2e3f4a5b');
  });

  it('an ordinary user in two round trips when addressed by UPN (role filters need the object id)', async () => {
    const adele = demoSeedUser('ordinaryUser');
    const decision = await check(guardDeps(fixture), adele.userPrincipalName);
    expect(decision.allowed).toBe(true);
    expect(roundTrips(fixture)).toHaveLength(2);
    expect(decision.graphRequestIds).toEqual(roundTrips(fixture).map((trip) => trip.requestId));
    expect(stepsOf('/roleEligibilityScheduleInstances')[0]?.query).toContain(adele.id);
  });

  const seeded = (upnStart: string) => {
    const user = demoSeed().users.find((candidate) => candidate.userPrincipalName.startsWith(upnStart));
    if (user === undefined) throw new Error(`no demo user ${upnStart}…`);
    return user;
  };

  it.each([
    ['a guest addressed by a UPN holding #EXT#', () => demoSeedUser('guest')],
    ['a user whose UPN starts with $', () => demoSeedUser('dollarUser')],
    ['a user whose PIM eligibility has ended (Johanna Lorenz)', () => seeded('JohannaL')],
  ])('%s', async (_name, user) => {
    const decision = await check(guardDeps(fixture), user().userPrincipalName);
    expect(decision).toMatchObject({ allowed: true, target: { id: user().id } });
  });
});

interface ProtectedCase {
  name: string;
  part: DemoPart;
  reasons: () => string[];
  /** Round trips when addressed by object id and by UPN. */
  trips: { id: number; upn: number };
}

const PROTECTED: ProtectedCase[] = [
  {
    name: 'an active Global Administrator',
    part: 'globalAdministrator',
    reasons: () => [`role:${GA}(active)`],
    trips: { id: 1, upn: 2 },
  },
  {
    name: 'a Global Administrator eligible only (PIM)',
    part: 'eligibleGlobalAdministrator',
    reasons: () => [`role:${GA}(eligible)`],
    trips: { id: 1, upn: 2 },
  },
  {
    name: 'an active role holder through a role-assignable group',
    part: 'roleGroupMember',
    reasons: () => {
      const group = groupId('Security Operations Admins');
      return [
        `group:${group}(role-assignable)`,
        `role:${SECURITY_ADMIN}(active via group ${group})`,
        `role:${SECURITY_ADMIN}(active)`,
      ];
    },
    trips: { id: 2, upn: 2 },
  },
  {
    name: 'a member of a role-assignable group that is PIM-eligible for a role',
    part: 'eligibleRoleGroupMember',
    reasons: () => {
      const group = groupId('Privileged Role Approvers');
      return [
        `group:${group}(role-assignable)`,
        `role:${PRIVILEGED_ROLE_ADMIN}(eligible via group ${group})`,
      ];
    },
    trips: { id: 2, upn: 2 },
  },
  {
    name: 'a PIM for Groups eligible member of a group that holds a role',
    part: 'pimGroupEligibleMember',
    reasons: () => {
      const group = groupId('Exchange Operators');
      return [
        `group:${group}(role-assignable, eligible member)`,
        `role:${EXCHANGE_ADMIN}(active via eligible member of group ${group})`,
      ];
    },
    trips: { id: 2, upn: 3 },
  },
  {
    name: 'a member of a group nested in the protected group',
    part: 'protectedGroupMember',
    reasons: () => [`group:${protectedGroupId()}(protected group)`],
    trips: { id: 1, upn: 2 },
  },
  {
    name: 'an administrator scoped to an administrative unit (not in transitiveMemberOf)',
    part: 'scopedAdministrator',
    reasons: () => [
      `role:${USER_ADMIN}(active, scope /administrativeUnits/26a72f37-b032-4256-9be2-13fb0c1723a7)`,
    ],
    trips: { id: 1, upn: 2 },
  },
];

describe.each(PROTECTED)('the guard refuses $name', ({ part, reasons, trips }) => {
  it.each(['id', 'upn'] as const)('addressed by %s', async (by) => {
    const user = demoSeedUser(part);
    const decision = refused(await check(guardDeps(fixture), by === 'id' ? user.id : user.userPrincipalName));
    expect(decision.code).toBe('protected_account');
    expect(decision.reasons).toEqual(reasons());
    expect(decision.target.id).toBe(user.id);
    expect(roundTrips(fixture)).toHaveLength(trips[by]);
    expect(decision.graphRequestIds).toEqual(roundTrips(fixture).map((trip) => trip.requestId));
  });
});

describe('role-assignable groups', () => {
  it('protects their members even when the group holds no protected role (Helpdesk Operators)', async () => {
    const grady = demoSeed().users.find((user) => user.userPrincipalName.startsWith('GradyA'));
    if (grady === undefined) throw new Error('missing Grady Archie');
    const decision = refused(await check(guardDeps(fixture), grady.id));
    expect(decision.reasons).toEqual([`group:${groupId('Helpdesk Operators')}(role-assignable)`]);
  });
});

describe('break-glass accounts', () => {
  const breakGlass = () => demoSeedUser('breakGlass');

  it.each([
    ['object id', () => breakGlass().id],
    ['UPN', () => breakGlass().userPrincipalName],
    ['UPN in other letter case', () => breakGlass().userPrincipalName.toUpperCase()],
  ])('are refused by resolved object id when addressed by %s, in one round trip', async (_by, key) => {
    const decision = refused(await check(guardDeps(fixture), key()));
    expect(decision).toMatchObject({
      code: 'break_glass_account',
      reasons: [`break_glass:${breakGlass().id}`],
      target: { id: breakGlass().id, userPrincipalName: breakGlass().userPrincipalName },
    });
    expect(roundTrips(fixture)).toHaveLength(1);
  });

  it('are refused even when their role look-ups fail (no further look-up is needed)', async () => {
    fixture.simulator.injectFault({ path: '/roleEligibilityScheduleInstances$', status: 500, count: 5 });
    const decision = refused(await check(guardDeps(fixture), breakGlass().id));
    expect(decision.code).toBe('break_glass_account');
  });
});

describe('an unknown target', () => {
  it.each([
    ['UPN', 'nobody@contoso.onmicrosoft.com'],
    ['object id', '0b3b6bd8-2f0e-4a57-9bbb-5f1b7b0f8a11'],
  ])('by %s is user_not_found with Graph’s request-id', async (_by, key) => {
    const error = await checkError(guardDeps(fixture), key);
    expect(error.code).toBe('user_not_found');
    const userStep = fixture.simulator.requests().find((request) => request.batchStepId === 'user');
    expect(error.options.graphRequestId).toBe(userStep?.requestId);
  });
});

describe('a tenant without Entra ID P2', () => {
  beforeEach(() => {
    fixture.simulator.reset(
      demoSeedWith((seed) => {
        seed.licences = { p2: false };
      }),
    );
  });

  it('treats AadPremiumLicenseRequired as no eligibility: an eligible-only admin is allowed', async () => {
    const decision = await check(guardDeps(fixture), demoSeedUser('eligibleGlobalAdministrator').id);
    expect(decision.allowed).toBe(true);
    expect(stepsOf('/roleEligibilityScheduleInstances').map((step) => step.status)).toEqual([400]);
  });

  it('still refuses active roles: directly, and scoped ones through roleAssignments', async () => {
    expect(refused(await check(guardDeps(fixture), demoSeedUser('globalAdministrator').id)).reasons).toEqual([
      `role:${GA}(active)`,
    ]);
    expect(refused(await check(guardDeps(fixture), demoSeedUser('scopedAdministrator').id)).reasons).toEqual([
      `role:${USER_ADMIN}(active, scope /administrativeUnits/26a72f37-b032-4256-9be2-13fb0c1723a7)`,
    ]);
  });

  it('drops eligibility-derived reasons but keeps role-assignable membership', async () => {
    const lynne = refused(await check(guardDeps(fixture), demoSeedUser('eligibleRoleGroupMember').id));
    expect(lynne.reasons).toEqual([`group:${groupId('Privileged Role Approvers')}(role-assignable)`]);
    const miriam = await check(guardDeps(fixture), demoSeedUser('pimGroupEligibleMember').id);
    expect(miriam.allowed).toBe(true);
  });
});

describe('failing closed', () => {
  const adele = () => demoSeedUser('ordinaryUser');

  it('answers guard_unavailable when a look-up stays throttled past the retry budget', async () => {
    fixture.simulator.injectFault({
      path: '/roleEligibilityScheduleInstances$',
      status: 429,
      retryAfter: 120,
    });
    const error = await checkError(guardDeps(fixture), adele().id);
    expect(error).toMatchObject({ code: 'guard_unavailable', status: 503 });
    expect(error.options).toMatchObject({ retryAfterSeconds: 120, graphCode: 'TooManyRequests' });
    expect(error.options.graphRequestId).toBe(stepsOf('/roleEligibilityScheduleInstances')[0]?.requestId);
    expect(roundTrips(fixture)).toHaveLength(1);
  });

  it('re-sends a throttled step after its Retry-After when the budget allows', async () => {
    fixture.simulator.injectFault({ path: '/roleEligibilityScheduleInstances$', status: 429, retryAfter: 0 });
    const decision = await check(guardDeps(fixture), adele().id);
    expect(decision.allowed).toBe(true);
    expect(stepsOf('/roleEligibilityScheduleInstances').map((step) => step.status)).toEqual([429, 200]);
    expect(roundTrips(fixture)).toHaveLength(2);
    expect(decision.graphRequestIds).toHaveLength(2);
  });

  it('gives up after the configured number of retries', async () => {
    fixture.simulator.injectFault({ path: '/roleAssignments$', status: 429, retryAfter: 0, count: 10 });
    const error = await checkError(guardDeps(fixture), adele().id);
    expect(error.code).toBe('guard_unavailable');
    // GRAPH_MAX_RETRIES=2: the first batch and two re-sends of the throttled step.
    expect(roundTrips(fixture)).toHaveLength(3);
    expect(stepsOf('/roleAssignments').map((step) => step.status)).toEqual([429, 429, 429]);
  });

  it('answers guard_unavailable on a 500 from the membership look-up, without retrying it', async () => {
    fixture.simulator.injectFault({ path: '/transitiveMemberOf$', status: 500 });
    const error = await checkError(guardDeps(fixture), adele().userPrincipalName);
    expect(error.code).toBe('guard_unavailable');
    expect(error.options.graphCode).toBe('generalException');
    expect(error.options.graphRequestId).toBe(stepsOf('/transitiveMemberOf')[0]?.requestId);
    expect(roundTrips(fixture)).toHaveLength(1);
  });

  it('answers guard_unavailable when the batch itself keeps failing', async () => {
    fixture.simulator.injectFault({ path: '^/v1\\.0/\\$batch$', status: 503, retryAfter: 0, count: 10 });
    const error = await checkError(guardDeps(fixture), adele().id);
    expect(error.code).toBe('guard_unavailable');
    expect(error.options.graphRequestId).toBe(roundTrips(fixture).at(-1)?.requestId);
    // The SDK's retry handler re-sent the batch GRAPH_MAX_RETRIES times.
    expect(roundTrips(fixture)).toHaveLength(3);
  });

  it('accepts AadPremiumLicenseRequired only from the PIM lists', async () => {
    fixture.simulator.injectFault({
      path: '/roleManagement/directory/roleAssignments$',
      status: 400,
      body: {
        error: { code: 'AadPremiumLicenseRequired', message: 'The tenant needs an AAD Premium 2 license.' },
      },
    });
    const error = await checkError(guardDeps(fixture), adele().id);
    expect(error).toMatchObject({
      code: 'guard_unavailable',
      options: { graphCode: 'AadPremiumLicenseRequired' },
    });
  });

  it('does not take another 400 from a PIM list for "no licence"', async () => {
    fixture.simulator.injectFault({ path: '/eligibilityScheduleInstances$', status: 400 });
    const error = await checkError(guardDeps(fixture), adele().id);
    expect(error).toMatchObject({ code: 'guard_unavailable', options: { graphCode: 'invalidRequest' } });
  });
});

describe('paged memberships', () => {
  /** Adele in 1,000 more groups and in Treasury Team, so Payment Approvers (nested) is on page 2. */
  const manyGroups = (): TenantSeed =>
    demoSeedWith((seed) => {
      const adele = demoSeedUser('ordinaryUser').id;
      for (let i = 0; i < 1000; i += 1) {
        seed.groups?.push({
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          displayName: `Project ${i}`,
          memberIds: [adele],
        });
      }
      seed.groups?.find((group) => group.displayName === 'Treasury Team')?.memberIds?.push(adele);
    });

  it('follows @odata.nextLink on the configured Graph origin and finds a protected group on page 2', async () => {
    fixture.simulator.reset(manyGroups());
    const decision = refused(await check(guardDeps(fixture), demoSeedUser('ordinaryUser').id));
    expect(decision.reasons).toEqual([`group:${protectedGroupId()}(protected group)`]);
    expect(roundTrips(fixture).map((trip) => `${trip.method} ${trip.path}`)).toEqual([
      'POST /v1.0/$batch',
      `GET /v1.0/users/${demoSeedUser('ordinaryUser').id}/transitiveMemberOf`,
    ]);
    expect(decision.target.groupIds.size).toBe(1003);
  });

  it('refuses to follow a nextLink to another origin and fails closed', async () => {
    fixture.simulator.reset(manyGroups());
    // The client knows the simulator as 127.0.0.1; its links name it localhost.
    const deps = guardDeps(fixture, { baseUrl: `https://127.0.0.1:${fixture.simulator.port}` });
    const error = await checkError(deps, demoSeedUser('ordinaryUser').id);
    expect(error.code).toBe('guard_unavailable');
    expect(error.detail).toContain('outside the configured Graph origin');
    expect(fixture.simulator.requests().filter((request) => request.query.includes('skiptoken'))).toEqual([]);
    expect(roundTrips(fixture)).toHaveLength(1);
  });
});
