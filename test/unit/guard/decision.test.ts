import { describe, expect, it } from 'vitest';

import {
  assertTargetAllowed,
  decide,
  type GuardConfig,
  type GuardDecision,
  type GuardFacts,
  type GuardTarget,
  protectionReasons,
} from '../../../src/lib/guard';
import { groupsToLookUp, type PrincipalRoles, type RoleRow } from '../../../src/lib/guard/decision';
import { AppError } from '../../../src/lib/http/problem';

const USER = '11111111-1111-4111-8111-111111111111';
const BREAK_GLASS = '22222222-2222-4222-8222-222222222222';
const ROLE_GROUP = '33333333-3333-4333-8333-333333333333';
const PLAIN_GROUP = '44444444-4444-4444-8444-444444444444';
const PROTECTED_GROUP = '55555555-5555-4555-8555-555555555555';
const PIM_GROUP = '66666666-6666-4666-8666-666666666666';
const GA = '62e90394-69f5-4237-9190-012177145e10';
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

const NOW = new Date('2026-06-01T12:00:00Z');
const PAST = '2026-01-01T00:00:00Z';
const FUTURE = '2027-01-01T00:00:00Z';

const guard: GuardConfig = {
  breakGlassObjectIds: new Set([BREAK_GLASS]),
  protectedRoleTemplateIds: new Set([GA]),
  protectedGroupIds: new Set([PROTECTED_GROUP]),
};

const target: GuardTarget = { id: USER, userPrincipalName: 'u@contoso.com', groupIds: new Set() };

const none: PrincipalRoles = {
  eligible: { licensed: true, rows: [] },
  activeInstances: { licensed: true, rows: [] },
  assignments: [],
};

function facts(change: Partial<GuardFacts> = {}): GuardFacts {
  return {
    targetId: USER,
    memberships: [],
    roles: new Map([[USER, none]]),
    groupEligibilities: { licensed: true, rows: [] },
    ...change,
  };
}

const roles = (entries: Record<string, Partial<PrincipalRoles>>): Map<string, PrincipalRoles> =>
  new Map(Object.entries(entries).map(([id, value]) => [id, { ...none, ...value }]));

const row = (roleDefinitionId: string, extra: Partial<RoleRow> = {}): RoleRow => ({
  roleDefinitionId,
  ...extra,
});

describe('protectionReasons', () => {
  it('finds nothing for a user without roles or protected groups', () => {
    const reasons = protectionReasons(
      facts({ memberships: [{ kind: 'group', id: PLAIN_GROUP, isAssignableToRole: false }] }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([]);
  });

  it('counts an active directory role from transitiveMemberOf only when its template is protected', () => {
    const reasons = protectionReasons(
      facts({
        memberships: [
          { kind: 'directoryRole', id: 'r1', roleTemplateId: GA.toUpperCase() },
          { kind: 'directoryRole', id: 'r2', roleTemplateId: HELPDESK },
        ],
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([`role:${GA}(active)`]);
  });

  it('counts the user’s own active instances, assignments and eligibilities', () => {
    expect(
      protectionReasons(
        facts({ roles: roles({ [USER]: { activeInstances: { licensed: true, rows: [row(GA)] } } }) }),
        guard,
        NOW,
      ),
    ).toEqual([`role:${GA}(active)`]);
    expect(
      protectionReasons(facts({ roles: roles({ [USER]: { assignments: [row(GA)] } }) }), guard, NOW),
    ).toEqual([`role:${GA}(active)`]);
    expect(
      protectionReasons(
        facts({ roles: roles({ [USER]: { eligible: { licensed: true, rows: [row(GA)] } } }) }),
        guard,
        NOW,
      ),
    ).toEqual([`role:${GA}(eligible)`]);
  });

  it('ignores rows that have ended, but counts rows that have not started yet', () => {
    const eligible = { licensed: true as const, rows: [row(GA, { endDateTime: PAST })] };
    expect(protectionReasons(facts({ roles: roles({ [USER]: { eligible } }) }), guard, NOW)).toEqual([]);
    const upcoming = { licensed: true as const, rows: [row(GA, { endDateTime: FUTURE })] };
    expect(
      protectionReasons(facts({ roles: roles({ [USER]: { eligible: upcoming } }) }), guard, NOW),
    ).toEqual([`role:${GA}(eligible)`]);
  });

  it('counts a row whose end it can’t read (fails towards protection)', () => {
    const eligible = { licensed: true as const, rows: [row(GA, { endDateTime: 'not a date' })] };
    expect(protectionReasons(facts({ roles: roles({ [USER]: { eligible } }) }), guard, NOW)).toEqual([
      `role:${GA}(eligible)`,
    ]);
  });

  it('names the scope of a role scoped to an administrative unit', () => {
    const assignments = [
      row(GA, { directoryScopeId: '/administrativeUnits/77777777-7777-4777-8777-777777777777' }),
    ];
    expect(protectionReasons(facts({ roles: roles({ [USER]: { assignments } }) }), guard, NOW)).toEqual([
      `role:${GA}(active, scope /administrativeUnits/77777777-7777-4777-8777-777777777777)`,
    ]);
  });

  it('reads an unlicensed PIM list as "nothing eligible"', () => {
    const roleMap = roles({
      [USER]: { eligible: { licensed: false }, activeInstances: { licensed: false } },
    });
    expect(protectionReasons(facts({ roles: roleMap }), guard, NOW)).toEqual([]);
  });

  it('protects members of role-assignable groups, with the roles the group holds or may activate', () => {
    const reasons = protectionReasons(
      facts({
        memberships: [{ kind: 'group', id: ROLE_GROUP, isAssignableToRole: true }],
        roles: roles({
          [USER]: {},
          [ROLE_GROUP]: { eligible: { licensed: true, rows: [row(GA)] }, assignments: [row(HELPDESK)] },
        }),
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([
      `group:${ROLE_GROUP}(role-assignable)`,
      `role:${GA}(eligible via group ${ROLE_GROUP})`,
    ]);
  });

  it('does not take a plain group’s rows as the user’s', () => {
    const reasons = protectionReasons(
      facts({
        memberships: [{ kind: 'group', id: PLAIN_GROUP, isAssignableToRole: false }],
        roles: roles({ [USER]: {}, [PLAIN_GROUP]: { assignments: [row(GA)] } }),
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([]);
  });

  it('protects members of a configured protected group (ids compared in lower case)', () => {
    const reasons = protectionReasons(
      facts({
        memberships: [{ kind: 'group', id: PROTECTED_GROUP.toUpperCase(), isAssignableToRole: false }],
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([`group:${PROTECTED_GROUP}(protected group)`]);
  });

  it('follows PIM for Groups eligibility to the group’s roles, as member or owner', () => {
    const reasons = protectionReasons(
      facts({
        roles: roles({ [USER]: {}, [PIM_GROUP]: { activeInstances: { licensed: true, rows: [row(GA)] } } }),
        groupEligibilities: { licensed: true, rows: [{ groupId: PIM_GROUP, accessId: 'owner' }] },
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([
      `group:${PIM_GROUP}(role-assignable, eligible owner)`,
      `role:${GA}(active via eligible owner of group ${PIM_GROUP})`,
    ]);
  });

  it('protects PIM-eligible members of a protected group, and ignores ended group eligibilities', () => {
    const reasons = protectionReasons(
      facts({
        groupEligibilities: {
          licensed: true,
          rows: [
            { groupId: PROTECTED_GROUP, accessId: 'member' },
            { groupId: PIM_GROUP, accessId: 'member', endDateTime: PAST },
          ],
        },
        roles: roles({ [USER]: {}, [PIM_GROUP]: { assignments: [row(GA)] } }),
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([`group:${PROTECTED_GROUP}(protected group, eligible member)`]);
  });

  it('lists each reason once, sorted', () => {
    const reasons = protectionReasons(
      facts({
        memberships: [{ kind: 'directoryRole', id: 'r', roleTemplateId: GA }],
        roles: roles({
          [USER]: { assignments: [row(GA), row(GA)], activeInstances: { licensed: true, rows: [row(GA)] } },
        }),
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([`role:${GA}(active)`]);
  });
});

describe('groupsToLookUp', () => {
  it('takes role-assignable memberships and unended PIM groups, once each, in lower case', () => {
    const ids = groupsToLookUp(
      [
        { kind: 'group', id: ROLE_GROUP.toUpperCase(), isAssignableToRole: true },
        { kind: 'group', id: PLAIN_GROUP, isAssignableToRole: false },
        { kind: 'directoryRole', id: 'r', roleTemplateId: GA },
      ],
      {
        licensed: true,
        rows: [
          { groupId: PIM_GROUP, accessId: 'member' },
          { groupId: ROLE_GROUP, accessId: 'owner' },
          { groupId: PROTECTED_GROUP, accessId: 'member', endDateTime: PAST },
        ],
      },
      NOW,
    );
    expect(ids).toEqual([ROLE_GROUP, PIM_GROUP]);
  });

  it('takes only memberships when PIM for Groups is unlicensed', () => {
    expect(
      groupsToLookUp([{ kind: 'group', id: ROLE_GROUP, isAssignableToRole: true }], { licensed: false }),
    ).toEqual([ROLE_GROUP]);
  });
});

describe('decide', () => {
  it('refuses a break-glass account by object id, whatever the facts', () => {
    const decision = decide({ ...target, id: BREAK_GLASS.toUpperCase() }, undefined, guard, ['r1']);
    expect(decision).toMatchObject({
      allowed: false,
      code: 'break_glass_account',
      reasons: [`break_glass:${BREAK_GLASS}`],
      graphRequestIds: ['r1'],
    });
  });

  it('refuses a protected account with its reasons, and allows the rest', () => {
    const protectedFacts = facts({ memberships: [{ kind: 'directoryRole', id: 'r', roleTemplateId: GA }] });
    expect(decide(target, protectedFacts, guard, [], NOW)).toMatchObject({
      allowed: false,
      code: 'protected_account',
      reasons: [`role:${GA}(active)`],
    });
    expect(decide(target, facts(), guard, ['r2'], NOW)).toEqual({
      allowed: true,
      target,
      graphRequestIds: ['r2'],
    });
  });

  it('needs the facts for a target that is not break-glass', () => {
    expect(() => decide(target, undefined, guard, [])).toThrow(/facts/);
  });
});

describe('assertTargetAllowed', () => {
  const refusal = (code: 'break_glass_account' | 'protected_account'): GuardDecision => ({
    allowed: false,
    code,
    reasons: [`role:${GA}(active)`, `group:${PROTECTED_GROUP}(protected group)`],
    target,
    graphRequestIds: [],
  });

  it.each(['break_glass_account', 'protected_account'] as const)(
    'throws %s without naming roles or groups',
    (code) => {
      let thrown: unknown;
      try {
        assertTargetAllowed(refusal(code));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      const error = thrown as AppError;
      expect(error).toMatchObject({ code, status: 403 });
      expect(error.detail).not.toContain(GA);
      expect(error.detail).not.toContain(PROTECTED_GROUP);
    },
  );

  it('returns for an allowed target', () => {
    expect(() => assertTargetAllowed({ allowed: true, target, graphRequestIds: [] })).not.toThrow();
  });
});
