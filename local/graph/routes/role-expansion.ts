import type { AccessTokenClaims } from '../../identity';
import { findGroup } from '../directory';
import { BUILT_IN_ROLE_NAMES } from '../graph-ids';
import type { GraphVersion } from '../openapi-spec';
import { projectGroup, projectPrincipalUser } from '../projection/directory-object';
import type { TenantData } from '../seed-schema';

/**
 * `$expand` on the role and PIM lists. The resource pages let `principal` and `roleDefinition`
 * (unifiedRoleAssignment, the two schedule instances) and `principal` and `group` (PIM for Groups)
 * be expanded, with a nested `$select`.
 */

export type Expansion = 'principal' | 'roleDefinition' | 'group';

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
 * A built-in role's unifiedRoleDefinition: its id is the template id (roles-and-groups.md). The
 * name and description come from the activated role in the seed or the built-in names; the
 * simulator doesn't model the role's actions, so `rolePermissions` is empty (Graph lists them).
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
