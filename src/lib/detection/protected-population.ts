import type { z } from 'zod';

import { type BatchStep, type BatchStepResult, sendSteps } from '../graph/batch';
import { listItems } from '../graph/list-steps';
import type { PageReader } from '../graph/paged-reader';
import {
  GroupEligibilityRowSchema,
  ObjectIdSchema,
  POPULATION_URLS,
  ROLE_LOOKUP_URLS,
  RoleRowSchema,
} from '../graph/role-lookups';
import type { GroupEligibility, GuardConfig, GuardFacts, PrincipalRoles, RoleRow } from '../guard/decision';

/**
 * Everyone the guard (src/lib/guard) would call protected, read tenant-wide so that the number of
 * Graph requests depends on the configuration and the privileged groups, never on how many users
 * are asked about (the calls are listed in docs/graph-calls.md):
 * 1. per protected role template, its eligibilities, active instances and assignments (users and
 *    groups holding it); the role-assignable groups; per protected group, its transitive members
 *    and PIM for Groups eligibilities;
 * 2. per role-assignable group, its members and PIM for Groups eligibilities (members of such a
 *    group are protected whatever it holds; eligible members and owners when it holds a role);
 * 3. for those groups with eligibilities, every role they hold (the guard's "holds any role").
 * Only role-assignable groups can hold roles (groups-concept), so a group principal in step 1 is
 * one of step 2's, and no object type needs resolving. The answer is put back into the guard's own
 * facts so that decision.ts decides. Anything unreadable throws: the caller fails closed.
 */

export interface PopulationDeps extends PageReader {
  guard: GuardConfig;
}

export interface ProtectedPopulation {
  /** What the guard would gather about this user, as far as its decision can tell. */
  factsFor(userId: string): GuardFacts;
}

/** Step ids of PIM lists, which a tenant without P2 answers 400 AadPremiumLicenseRequired. */
const PIM_STEP = /-(el|ac|pg)$/;

const get = (id: string, url: string): BatchStep => ({ id, method: 'GET', url });
const roleSteps = (prefix: string, urls: { el: string; ac: string; ra: string }) => [
  get(`${prefix}-el`, urls.el),
  get(`${prefix}-ac`, urls.ac),
  get(`${prefix}-ra`, urls.ra),
];

export async function readProtectedPopulation(deps: PopulationDeps): Promise<ProtectedPopulation> {
  const templates = [...deps.guard.protectedRoleTemplateIds];
  const protectedGroups = [...deps.guard.protectedGroupIds].map((id) => id.toLowerCase());
  const first = await run(deps, [
    ...templates.flatMap((id, i) =>
      roleSteps(`r${i}`, {
        el: POPULATION_URLS.eligibilitiesOfRole(id),
        ac: POPULATION_URLS.activeInstancesOfRole(id),
        ra: POPULATION_URLS.assignmentsOfRole(id),
      }),
    ),
    get('groups', POPULATION_URLS.roleAssignableGroups()),
    ...protectedGroups.flatMap((id, i) => [
      get(`p${i}-tm`, POPULATION_URLS.transitiveMembers(id)),
      get(`p${i}-pg`, POPULATION_URLS.eligibilitiesForGroup(id)),
    ]),
  ]);
  const roles = new Map<string, { eligible: RoleRow[]; active: RoleRow[]; assignments: RoleRow[] }>();
  const addRoles = async (results: Map<string, BatchStepResult>, prefix: string) => {
    for (const [suffix, key] of [
      ['el', 'eligible'],
      ['ac', 'active'],
      ['ra', 'assignments'],
    ] as const) {
      for (const row of await rows(deps, results, `${prefix}-${suffix}`, RoleRowSchema)) {
        const principal = principalOf(row);
        const held = roles.get(principal) ?? { eligible: [], active: [], assignments: [] };
        held[key].push(row);
        roles.set(principal, held);
      }
    }
  };
  const members = new Map<string, Set<string>>(); // member id → protected / role-assignable groups
  const eligibilities = new Map<string, GroupEligibility[]>(); // principal id → PIM for Groups rows
  const eligibleGroups = new Set<string>();
  const addGroup = async (results: Map<string, BatchStepResult>, prefix: string, groupId: string) => {
    for (const member of await rows(deps, results, `${prefix}-tm`, ObjectIdSchema)) {
      const id = member.id.toLowerCase();
      members.set(id, (members.get(id) ?? new Set()).add(groupId));
    }
    for (const row of await rows(deps, results, `${prefix}-pg`, GroupEligibilityRowSchema)) {
      const principal = principalOf(row);
      eligibilities.set(principal, [...(eligibilities.get(principal) ?? []), row]);
      eligibleGroups.add(row.groupId.toLowerCase());
    }
  };

  for (let i = 0; i < templates.length; i += 1) await addRoles(first, `r${i}`);
  for (const [i, id] of protectedGroups.entries()) await addGroup(first, `p${i}`, id);
  const roleGroups = new Set(
    (await rows(deps, first, 'groups', ObjectIdSchema)).map((group) => group.id.toLowerCase()),
  );
  const unread = [...roleGroups].filter((id) => !protectedGroups.includes(id));
  const second = await run(
    deps,
    unread.flatMap((id, i) => [
      get(`g${i}-tm`, POPULATION_URLS.transitiveMembers(id)),
      get(`g${i}-pg`, POPULATION_URLS.eligibilitiesForGroup(id)),
    ]),
  );
  for (const [i, id] of unread.entries()) await addGroup(second, `g${i}`, id);

  // Roles of any kind decide whether eligibility for a role-assignable group protects (decision.ts).
  const holders = [...eligibleGroups].filter((id) => roleGroups.has(id));
  const third = await run(
    deps,
    holders.flatMap((id, i) =>
      roleSteps(`h${i}`, {
        el: ROLE_LOOKUP_URLS.eligibilities(id),
        ac: ROLE_LOOKUP_URLS.activeInstances(id),
        ra: ROLE_LOOKUP_URLS.assignments(id),
      }),
    ),
  );
  for (let i = 0; i < holders.length; i += 1) await addRoles(third, `h${i}`);

  const principalRoles = new Map<string, PrincipalRoles>(
    [...roles].map(([id, held]) => [
      id,
      {
        eligible: { licensed: true, rows: held.eligible },
        activeInstances: { licensed: true, rows: held.active },
        assignments: held.assignments,
      },
    ]),
  );
  return {
    factsFor(userId) {
      const id = userId.toLowerCase();
      return {
        targetId: id,
        memberships: [...(members.get(id) ?? [])].map((groupId) => ({
          kind: 'group' as const,
          id: groupId,
          isAssignableToRole: roleGroups.has(groupId),
        })),
        roles: principalRoles,
        groupEligibilities: { licensed: true, rows: eligibilities.get(id) ?? [] },
      };
    },
  };
}

function principalOf(row: { principalId?: string | null | undefined }): string {
  if (typeof row.principalId !== 'string') throw new Error('A row came back without its principalId.');
  return row.principalId.toLowerCase();
}

/** A list step's rows, later pages included; a tenant without P2 has none in its PIM lists. */
async function rows<T>(
  deps: PopulationDeps,
  results: Map<string, BatchStepResult>,
  stepId: string,
  schema: z.ZodType<T>,
): Promise<T[]> {
  return await listItems(deps, results.get(stepId), schema, { what: stepId, pim: PIM_STEP.test(stepId) });
}

/** The steps as JSON batches; throttled steps are re-sent within sendSteps' limits. */
async function run(deps: PopulationDeps, steps: BatchStep[]): Promise<Map<string, BatchStepResult>> {
  return await sendSteps(deps.graph, steps, { clientRequestId: deps.clientRequestId });
}
