import type { AccessTokenClaims } from '../../identity';
import { eligibleRoleRows, findGroup } from '../directory';
import { BUILT_IN_ROLE_NAMES } from '../graph-ids';
import type { GraphVersion } from '../openapi-spec';
import { projectGroup, projectPrincipalUser } from '../projection/directory-object';
import type { TenantData } from '../seed-schema';
import { eligibilityInstance } from './role-instances';

/**
 * `$expand` on the role and PIM lists. The resource pages let `principal`, `roleDefinition` and
 * `appScope` (unifiedRoleAssignment, the two schedule instances), `activatedUsing` (assignment
 * instances) and `principal` and `group` (PIM for Groups) be expanded, with a nested `$select`.
 */

export type Expansion = 'principal' | 'roleDefinition' | 'group' | 'activatedUsing' | 'appScope';

export interface ExpandItem {
  name: Expansion;
  /** A nested `$select`, e.g. `roleDefinition($select=id,displayName)`; empty for all. */
  select: string[];
}

type Row = Record<string, unknown>;

const splitTopLevel = (text: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    current += char;
  }
  return [...parts, current].map((part) => part.trim()).filter(Boolean);
};

/** Parses `$expand`; what isn't an allowed navigation (or a nested option other than `$select`) comes back as `unsupported`. */
export function parseExpand(
  text: string,
  allowed: readonly Expansion[],
): { ok: true; items: ExpandItem[] } | { ok: false; unsupported: string } {
  const items: ExpandItem[] = [];
  for (const part of splitTopLevel(text)) {
    const match = /^(\w+)(?:\(\s*\$select=([^()]*)\))?$/i.exec(part);
    const name = allowed.find((candidate) => candidate.toLowerCase() === match?.[1]?.toLowerCase());
    if (match === null || name === undefined) return { ok: false, unsupported: part };
    items.push({ name, select: splitTopLevel(match[2] ?? '') });
  }
  return { ok: true, items };
}

/** The part of `@odata.context` an expansion adds: `principal()`, `roleDefinition(id,displayName)`. */
export const expandShape = (item: ExpandItem) => `${item.name}(${item.select.join(',')})`;

function principalOf(
  directory: Readonly<TenantData>,
  id: string,
  version: GraphVersion,
  claims: AccessTokenClaims,
) {
  const options = { version, claims, select: undefined, withType: true };
  const user = directory.users.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (user !== undefined) return projectPrincipalUser(user, options);
  const group = findGroup(directory, id);
  return group === undefined ? null : projectGroup(group, directory, options);
}

/**
 * A built-in role's unifiedRoleDefinition: its id is the template id (examples in
 * rbacapplication-list-roleassignments). The name and description come from the activated role in
 * the seed or the built-in names; the simulator doesn't model the role's actions, so
 * `rolePermissions` is empty (Graph lists them).
 */
function roleDefinitionOf(directory: Readonly<TenantData>, id: string): Row {
  const activated = directory.directoryRoles.find(
    (role) => role.roleTemplateId.toLowerCase() === id.toLowerCase(),
  );
  return {
    id,
    description: activated?.description ?? null,
    displayName: activated?.displayName ?? BUILT_IN_ROLE_NAMES[id.toLowerCase()] ?? null,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ['/'],
    rolePermissions: [],
    templateId: id,
    version: null,
  };
}

/**
 * "If the request is from an eligible administrator to activate a role, this parameter shows the
 * related eligible assignment for that activation. Otherwise, it's null" (resource page). The seed
 * doesn't link an activation to its eligibility: the one in force for the same principal, role
 * and scope is taken (inferred).
 */
function activatedUsingOf(directory: Readonly<TenantData>, row: Row): Row | null {
  if (row.assignmentType !== 'Activated') return null;
  const same = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();
  const eligibility = eligibleRoleRows(directory, new Date()).find(
    (candidate) =>
      same(candidate.principalId, row.principalId) &&
      same(candidate.roleDefinitionId, row.roleDefinitionId) &&
      same(candidate.directoryScopeId, row.directoryScopeId),
  );
  return eligibility === undefined ? null : eligibilityInstance(eligibility);
}

function selectFrom(entity: Row | null, select: readonly string[]): Row | null {
  if (entity === null || select.length === 0) return entity;
  return Object.fromEntries(
    Object.entries(entity).filter(
      ([name]) =>
        name === '@odata.type' || select.some((wanted) => wanted.toLowerCase() === name.toLowerCase()),
    ),
  );
}

/** `selected` (the row after `$select`) with each expansion of `row` added under its navigation name. */
export function expandRow(
  row: Row,
  selected: Row,
  items: readonly ExpandItem[],
  directory: Readonly<TenantData>,
  version: GraphVersion,
  claims: AccessTokenClaims,
): Row {
  const expanded = { ...selected };
  for (const item of items) {
    let entity: Row | null;
    if (item.name === 'principal') entity = principalOf(directory, String(row.principalId), version, claims);
    else if (item.name === 'roleDefinition')
      entity = roleDefinitionOf(directory, String(row.roleDefinitionId));
    else if (item.name === 'activatedUsing') entity = activatedUsingOf(directory, row);
    // No row has an app scope (appScopeId is always null), and the navigation is nullable.
    else if (item.name === 'appScope') entity = null;
    else {
      const group = findGroup(directory, String(row.groupId));
      entity =
        group === undefined
          ? null
          : projectGroup(group, directory, { version, claims, select: undefined, withType: false });
    }
    expanded[item.name] = selectFrom(entity, item.select);
  }
  return expanded;
}
