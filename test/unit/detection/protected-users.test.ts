import { afterEach, describe, expect, it, vi } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { createProtectedUsers } from '../../../src/lib/detection/protected-users';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

// Which flagged users the guard would refuse, read tenant-wide (protected-population.ts) from a
// scripted Graph: each kind of protection the guard knows (docs/threat-model.md, "Protected and
// break-glass targets"), the batches sent, and failing closed.

afterEach(() => {
  vi.unstubAllGlobals();
});

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const BREAK_GLASS = id(1);
const PROTECTED_GROUP = id(10);
const ROLE_GROUP = id(11); // role-assignable, holds no role itself
const ROLE_GROUP_WITH_ROLE = id(12); // role-assignable, holds Helpdesk Administrator (eligible only)
const ROLE_GROUP_NO_ROLE = id(13); // role-assignable, nothing held
const PLAIN_GROUP = id(14); // not role-assignable

const USERS = {
  activeAdmin: id(100),
  eligibleAdmin: id(101),
  activeInstanceAdmin: id(102),
  protectedGroupMember: id(103),
  protectedGroupEligible: id(104),
  roleGroupMember: id(105),
  roleGroupEligible: id(106),
  eligibleForRoleless: id(107),
  plainGroupEligible: id(108),
  ordinary: id(109),
  endedAdmin: id(110),
};

const upper = (value: string) => value.toUpperCase();
const roleRow = (principalId: string, roleDefinitionId: string, extra: Record<string, unknown> = {}) => ({
  principalId: upper(principalId),
  roleDefinitionId,
  directoryScopeId: '/',
  ...extra,
});
const eligibility = (groupId: string, principalId: string, accessId = 'member') => ({
  groupId: upper(groupId),
  principalId: upper(principalId),
  accessId,
});

/** The tenant: who holds the protected role, the role-assignable groups, members and PIM for Groups rows. */
const TENANT = {
  roleOf: {
    el: [roleRow(USERS.eligibleAdmin, GLOBAL_ADMIN)],
    ac: [roleRow(USERS.activeInstanceAdmin, GLOBAL_ADMIN)],
    ra: [
      roleRow(USERS.activeAdmin, GLOBAL_ADMIN),
      roleRow(USERS.endedAdmin, GLOBAL_ADMIN, { endDateTime: '2020-01-01T00:00:00Z' }),
    ],
  } as Record<string, unknown[]>,
  roleAssignableGroups: [PROTECTED_GROUP, ROLE_GROUP, ROLE_GROUP_WITH_ROLE, ROLE_GROUP_NO_ROLE],
  members: {
    [PROTECTED_GROUP]: [USERS.protectedGroupMember],
    [ROLE_GROUP]: [USERS.roleGroupMember],
  } as Record<string, string[]>,
  eligibilities: {
    [PROTECTED_GROUP]: [eligibility(PROTECTED_GROUP, USERS.protectedGroupEligible)],
    [ROLE_GROUP_WITH_ROLE]: [eligibility(ROLE_GROUP_WITH_ROLE, USERS.roleGroupEligible, 'owner')],
    [ROLE_GROUP_NO_ROLE]: [eligibility(ROLE_GROUP_NO_ROLE, USERS.eligibleForRoleless)],
  } as Record<string, unknown[]>,
  /** Rows by principal (read for groups with eligibilities). */
  principalRoles: {
    [ROLE_GROUP_WITH_ROLE]: { el: [roleRow(ROLE_GROUP_WITH_ROLE, HELPDESK_ADMIN)] },
  } as Record<string, Record<string, unknown[]>>,
};

interface Step {
  id: string;
  url: string;
}
type StepAnswer = { status: number; body?: unknown };

const page = (value: unknown[]) => ({ value });
const LIST_KIND: [RegExp, string][] = [
  [/^\/roleManagement\/directory\/roleEligibilityScheduleInstances/, 'el'],
  [/^\/roleManagement\/directory\/roleAssignmentScheduleInstances/, 'ac'],
  [/^\/roleManagement\/directory\/roleAssignments/, 'ra'],
];

function tenantAnswer(step: Step): StepAnswer {
  const url = decodeURIComponent(step.url);
  const filterId = /eq '([^']+)'/.exec(url)?.[1] ?? '';
  const kind = LIST_KIND.find(([pattern]) => pattern.test(url))?.[1];
  if (kind && url.includes('roleDefinitionId eq')) {
    return { status: 200, body: page(filterId === GLOBAL_ADMIN ? (TENANT.roleOf[kind] ?? []) : []) };
  }
  if (kind && url.includes('principalId eq')) {
    return { status: 200, body: page(TENANT.principalRoles[filterId]?.[kind] ?? []) };
  }
  if (url.startsWith('/groups?')) {
    return { status: 200, body: page(TENANT.roleAssignableGroups.map((group) => ({ id: upper(group) }))) };
  }
  const members = /^\/groups\/([^/]+)\/transitiveMembers/.exec(url)?.[1];
  if (members)
    return { status: 200, body: page((TENANT.members[members] ?? []).map((member) => ({ id: member }))) };
  if (url.includes('groupId eq')) return { status: 200, body: page(TENANT.eligibilities[filterId] ?? []) };
  return { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: url } } };
}

function lookUp(
  override: (step: Step) => StepAnswer | undefined = () => undefined,
  settings: Record<string, string> = {},
) {
  const env = {
    PROTECTED_ROLE_TEMPLATE_IDS: GLOBAL_ADMIN,
    PROTECTED_GROUP_IDS: upper(PROTECTED_GROUP),
    BREAK_GLASS_OBJECT_IDS: BREAK_GLASS,
    ...settings,
  };
  const graph = stubGraph(
    (request: SentRequest) => {
      const steps = (request.body as { requests: Step[] }).requests;
      const responses = steps.map((step) => ({
        id: step.id,
        ...(override(step) ?? tenantAnswer(step)),
      }));
      return Promise.resolve(json(200, { responses }));
    },
    { settings: env },
  );
  const config = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', ...env });
  const batches = () => graph.sent.map((request) => (request.body as { requests: Step[] }).requests);
  return { protectedUsers: createProtectedUsers(graph.graph, config), batches, sent: graph.sent };
}

const ALL = Object.values(USERS);
const PROTECTED = [
  USERS.activeAdmin,
  USERS.eligibleAdmin,
  USERS.activeInstanceAdmin,
  USERS.protectedGroupMember,
  USERS.protectedGroupEligible,
  USERS.roleGroupMember,
  USERS.roleGroupEligible,
];

describe('createProtectedUsers', () => {
  it('finds each kind of protection the guard knows, and nobody else', async () => {
    const { protectedUsers } = lookUp();
    const found = await protectedUsers(ALL);
    expect([...found].sort()).toEqual([...PROTECTED].sort());
  });

  it('reads the population in three batches, whatever the number of users', async () => {
    const { protectedUsers, batches } = lookUp();
    await protectedUsers(ALL);
    const [first, second, third] = batches();
    expect(first?.map((step) => step.id)).toEqual(['r0-el', 'r0-ac', 'r0-ra', 'groups', 'p0-tm', 'p0-pg']);
    expect(first?.[4]?.url).toBe(`/groups/${PROTECTED_GROUP}/transitiveMembers?$select=id&$top=999`);
    // The protected group is role-assignable too, but already read.
    expect(second?.map((step) => step.id)).toEqual(['g0-tm', 'g0-pg', 'g1-tm', 'g1-pg', 'g2-tm', 'g2-pg']);
    expect(second?.[0]?.url).toContain(ROLE_GROUP);
    // Only role-assignable groups with eligibilities have their roles read.
    const held = third?.map((step) => decodeURIComponent(step.url).match(/principalId eq '([^']+)'/)?.[1]);
    expect(third?.map((step) => step.id)).toEqual([
      'h0-el',
      'h0-ac',
      'h0-ra',
      'h1-el',
      'h1-ac',
      'h1-ra',
      'h2-el',
      'h2-ac',
      'h2-ra',
    ]);
    expect(new Set(held)).toEqual(new Set([PROTECTED_GROUP, ROLE_GROUP_WITH_ROLE, ROLE_GROUP_NO_ROLE]));
    expect(batches()).toHaveLength(3);
  });

  it('answers by lower-case id, once per user', async () => {
    const { protectedUsers } = lookUp();
    const found = await protectedUsers([upper(USERS.activeAdmin), USERS.activeAdmin, USERS.ordinary]);
    expect([...found]).toEqual([USERS.activeAdmin]);
  });

  it('protects break-glass accounts and ids that are not object ids without asking Graph', async () => {
    const { protectedUsers, sent } = lookUp();
    const found = await protectedUsers([upper(BREAK_GLASS), 'adele@contoso.com']);
    expect([...found].sort()).toEqual([BREAK_GLASS, 'adele@contoso.com'].sort());
    expect(sent).toHaveLength(0);
  });

  it('asks nothing for nobody', async () => {
    const { protectedUsers, sent } = lookUp();
    expect([...(await protectedUsers([]))]).toEqual([]);
    expect(sent).toHaveLength(0);
  });

  it('counts a group eligibility only for a group that holds a role', async () => {
    const { protectedUsers } = lookUp();
    const found = await protectedUsers([USERS.eligibleForRoleless, USERS.roleGroupEligible]);
    expect([...found]).toEqual([USERS.roleGroupEligible]);
  });

  it('reads a PIM list answered AadPremiumLicenseRequired as empty (no P2, nothing eligible)', async () => {
    const unlicensed = { status: 400, body: { error: { code: 'AadPremiumLicenseRequired', message: 'P2' } } };
    const { protectedUsers } = lookUp((step) => (/-(el|ac|pg)$/.test(step.id) ? unlicensed : undefined));
    const found = await protectedUsers(ALL);
    expect([...found].sort()).toEqual(
      [USERS.activeAdmin, USERS.protectedGroupMember, USERS.roleGroupMember].sort(),
    );
  });

  it.each([
    [
      'the role assignments',
      'r0-ra',
      { status: 400, body: { error: { code: 'AadPremiumLicenseRequired' } } },
    ],
    [
      'the members of a group',
      'g0-tm',
      { status: 400, body: { error: { code: 'AadPremiumLicenseRequired' } } },
    ],
    ['the role-assignable groups', 'groups', { status: 503 }],
    ['an eligibility list', 'p0-pg', { status: 403, body: { error: { code: 'Forbidden' } } }],
    ['a group’s roles', 'h1-ac', { status: 500 }],
    [
      'a row without its principal',
      'r0-el',
      { status: 200, body: page([{ roleDefinitionId: GLOBAL_ADMIN }]) },
    ],
    [
      'an eligibility without its principal',
      'p0-pg',
      { status: 200, body: page([{ groupId: PROTECTED_GROUP, accessId: 'member' }]) },
    ],
    ['a member without an id', 'p0-tm', { status: 200, body: page([{ displayName: 'x' }]) }],
    [
      'a foreign nextLink',
      'groups',
      { status: 200, body: { value: [], '@odata.nextLink': 'https://graph.example.net/v1.0/groups' } },
    ],
  ])(
    'fails closed when %s cannot be read: every user asked about is protected',
    async (_name, stepId, answer) => {
      const { protectedUsers } = lookUp((step) => (step.id === stepId ? answer : undefined));
      const found = await protectedUsers([USERS.ordinary, USERS.activeAdmin]);
      expect([...found].sort()).toEqual([USERS.activeAdmin, USERS.ordinary].sort());
    },
  );

  it('fails closed when the batch itself fails', async () => {
    const { protectedUsers } = lookUp();
    vi.stubGlobal('fetch', () => Promise.resolve(json(500, { error: { code: 'generalException' } })));
    const found = await protectedUsers([USERS.ordinary]);
    expect([...found]).toEqual([USERS.ordinary]);
  });

  it('reads every protected role template and group configured', async () => {
    const { protectedUsers, batches } = lookUp(undefined, {
      PROTECTED_ROLE_TEMPLATE_IDS: `${GLOBAL_ADMIN},${HELPDESK_ADMIN}`,
      PROTECTED_GROUP_IDS: `${PROTECTED_GROUP},${PLAIN_GROUP}`,
    });
    await protectedUsers([USERS.ordinary]);
    expect(batches()[0]?.map((step) => step.id)).toEqual([
      'r0-el',
      'r0-ac',
      'r0-ra',
      'r1-el',
      'r1-ac',
      'r1-ra',
      'groups',
      'p0-tm',
      'p0-pg',
      'p1-tm',
      'p1-pg',
    ]);
  });

  it('finds a role held through the second template', async () => {
    const { protectedUsers } = lookUp(
      (step) =>
        step.id === 'r1-ac'
          ? { status: 200, body: page([roleRow(USERS.ordinary, HELPDESK_ADMIN)]) }
          : undefined,
      { PROTECTED_ROLE_TEMPLATE_IDS: `${GLOBAL_ADMIN},${HELPDESK_ADMIN}` },
    );
    expect([...(await protectedUsers([USERS.ordinary]))]).toEqual([USERS.ordinary]);
  });

  it('finds a member of the second protected group', async () => {
    const { protectedUsers } = lookUp(
      (step) =>
        step.id === 'p1-tm' ? { status: 200, body: page([{ id: upper(USERS.ordinary) }]) } : undefined,
      { PROTECTED_GROUP_IDS: `${PROTECTED_GROUP},${PLAIN_GROUP}` },
    );
    expect([...(await protectedUsers([USERS.ordinary]))]).toEqual([USERS.ordinary]);
  });

  it('sends no second or third batch when there is nothing more to read', async () => {
    const { protectedUsers, batches } = lookUp((step) =>
      step.id === 'groups' || step.id === 'p0-pg' ? { status: 200, body: page([]) } : undefined,
    );
    await protectedUsers([USERS.ordinary]);
    expect(batches()).toHaveLength(1);
  });
});
