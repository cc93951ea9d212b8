import { describe, expect, it } from 'vitest';

import { type GuardConfig, type GuardFacts, protectionReasons } from '../../../src/lib/guard';
import type { PrincipalRoles } from '../../../src/lib/guard/decision';

const USER = '11111111-1111-4111-8111-111111111111';
const PROTECTED_GROUP = '55555555-5555-4555-8555-555555555555';
const GA = '62e90394-69f5-4237-9190-012177145e10';
const NOW = new Date('2026-06-01T12:00:00Z');

const guard: GuardConfig = {
  breakGlassObjectIds: new Set(),
  protectedRoleTemplateIds: new Set([GA]),
  protectedGroupIds: new Set([PROTECTED_GROUP]),
};

const noRoles: PrincipalRoles = {
  eligible: { licensed: true, rows: [] },
  activeInstances: { licensed: true, rows: [] },
  assignments: [],
};

const facts = (change: Partial<GuardFacts>): GuardFacts => ({
  targetId: USER,
  memberships: [],
  roles: new Map([[USER, noRoles]]),
  groupEligibilities: { licensed: true, rows: [] },
  ...change,
});

describe('protectionReasons at the edges', () => {
  it('takes a row that ends at this very instant as ended', () => {
    const endingNow = { roleDefinitionId: GA, endDateTime: NOW.toISOString() };
    const eligible = { licensed: true as const, rows: [endingNow] };
    expect(
      protectionReasons(facts({ roles: new Map([[USER, { ...noRoles, eligible }]]) }), guard, NOW),
    ).toEqual([]);
    const oneMsLater = { roleDefinitionId: GA, endDateTime: new Date(NOW.getTime() + 1).toISOString() };
    expect(
      protectionReasons(
        facts({ roles: new Map([[USER, { ...noRoles, eligible: { licensed: true, rows: [oneMsLater] } }]]) }),
        guard,
        NOW,
      ),
    ).toEqual([`role:${GA}(eligible)`]);
  });

  it('sorts the reasons whatever order the memberships came in', () => {
    // The directory role comes first from Graph, so its reason is found before the group's.
    const reasons = protectionReasons(
      facts({
        memberships: [
          { kind: 'directoryRole', id: 'r', roleTemplateId: GA },
          { kind: 'group', id: PROTECTED_GROUP, isAssignableToRole: false },
        ],
      }),
      guard,
      NOW,
    );
    expect(reasons).toEqual([`group:${PROTECTED_GROUP}(protected group)`, `role:${GA}(active)`]);
  });
});
