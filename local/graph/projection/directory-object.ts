import type { AccessTokenClaims } from '../../identity';
import { GraphErrors } from '../errors';
import type { GraphErrorSpec } from '../messages';
import { graphSpec, type GraphVersion } from '../openapi-spec';
import type { DirectoryRoleSeed, GroupSeed, TenantData, UserSeed } from '../seed-schema';
import { DEFAULT_USER_PROPERTIES, projectUser } from './user';

/**
 * Groups and directory roles as members of a `directoryObject` collection (transitiveMemberOf,
 * `$expand=principal`). An app without permission to read a type gets that type's objects with
 * only `@odata.type` and `id`, every other property null ([doc] permissions-overview, "Limited
 * information returned for inaccessible member objects"; the troubleshooting article
 * memberof-api-returns-null-properties shows such a group, `isAssignableToRole` null included).
 */

export type DirectoryObjectType = 'group' | 'directoryRole' | 'user';

/**
 * Application permissions that let an app read each type in full. Groups: the group and directory
 * read permissions; directory roles: those of List directoryRoles (RoleManagement.Read.Directory
 * least). Which ones count for a membership listing is inferred from the doc's rule.
 */
const READ_PERMISSIONS: Record<DirectoryObjectType, readonly string[]> = {
  group: [
    'GroupMember.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  directoryRole: [
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  user: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
};

export function canRead(claims: AccessTokenClaims, type: DirectoryObjectType): boolean {
  const roles = claims.roles ?? [];
  return READ_PERMISSIONS[type].some((permission) => roles.includes(permission));
}

/** What a group returns without `$select` (group resource docs, "returned by default"), kept to the version's schema. */
const GROUP_DEFAULT_PROPERTIES = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'description',
  'displayName',
  'expirationDateTime',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'membershipRuleProcessingState',
  'onPremisesDomainName',
  'onPremisesLastSyncDateTime',
  'onPremisesNetBiosName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'preferredDataLocation',
  'preferredLanguage',
  'proxyAddresses',
  'renewedDateTime',
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'securityEnabled',
  'securityIdentifier',
  'theme',
  'visibility',
  'onPremisesProvisioningErrors',
  'serviceProvisioningErrors',
];

const DIRECTORY_ROLE_DEFAULT_PROPERTIES = [
  'id',
  'deletedDateTime',
  'description',
  'displayName',
  'roleTemplateId',
];

function known(version: GraphVersion, type: DirectoryObjectType) {
  return graphSpec(version).structuralProperties(type);
}

function groupValues(group: GroupSeed, directory: Readonly<TenantData>): Record<string, unknown> {
  const mailNickname = group.displayName.replace(/[^A-Za-z0-9]/g, '');
  return {
    id: group.id,
    description: group.description ?? null,
    displayName: group.displayName,
    groupTypes: group.groupTypes,
    // Ordinary groups answer null, role-assignable ones true (documented group examples).
    isAssignableToRole: group.isAssignableToRole ? true : null,
    mail: group.mailEnabled ? `${mailNickname}@${directory.tenant.initialDomain}` : null,
    mailEnabled: group.mailEnabled,
    mailNickname,
    securityEnabled: group.securityEnabled,
    visibility: group.groupTypes.includes('Unified') ? 'Private' : null,
  };
}

function roleValues(role: DirectoryRoleSeed): Record<string, unknown> {
  return {
    id: role.id,
    description: role.description ?? null,
    displayName: role.displayName,
    roleTemplateId: role.roleTemplateId,
  };
}

export interface ProjectionOptions {
  version: GraphVersion;
  claims: AccessTokenClaims;
  /** `$select`d names (already resolved), or undefined for the type's defaults. */
  select: readonly string[] | undefined;
  /** Whether to write `@odata.type` (a collection of the base type does; a cast doesn't, as the doc examples show). */
  withType: boolean;
}

function project(
  type: DirectoryObjectType,
  values: Record<string, unknown>,
  defaults: readonly string[],
  options: ProjectionOptions,
): Record<string, unknown> {
  const properties = known(options.version, type);
  const full = canRead(options.claims, type);
  const names = (options.select ?? defaults).filter(
    (name) => name === 'id' || properties.has(name.toLowerCase()),
  );
  const projected: Record<string, unknown> = options.withType
    ? { '@odata.type': `#microsoft.graph.${type}` }
    : {};
  for (const name of names) {
    const empty = properties.get(name.toLowerCase())?.isCollection === true ? [] : null;
    projected[name] = name === 'id' ? values.id : full ? (values[name] ?? empty) : empty;
  }
  return projected;
}

export function projectGroup(group: GroupSeed, directory: Readonly<TenantData>, options: ProjectionOptions) {
  return project('group', groupValues(group, directory), GROUP_DEFAULT_PROPERTIES, options);
}

export function projectDirectoryRole(role: DirectoryRoleSeed, options: ProjectionOptions) {
  return project('directoryRole', roleValues(role), DIRECTORY_ROLE_DEFAULT_PROPERTIES, options);
}

/** A user as a `principal` (`$expand`): the user's default properties with its type. */
export function projectPrincipalUser(user: UserSeed, options: ProjectionOptions): Record<string, unknown> {
  const projected = projectUser(user, options.version, undefined);
  return options.withType ? { '@odata.type': '#microsoft.graph.user', ...projected } : projected;
}

/** A user as a member of a `directoryObject` collection (group members), limited without a user read permission. */
export function projectMemberUser(user: UserSeed, options: ProjectionOptions): Record<string, unknown> {
  return project('user', { ...user }, DEFAULT_USER_PROPERTIES, options);
}

/**
 * Resolves `$select` for a collection whose items may be any of `types`: a name must belong to at
 * least one of them (directory objects are matched per type; that names foreign to an item's type
 * are left out of it is inferred), else the directory's unknown-property 400.
 */
export function parseDirectorySelect(
  select: string | null,
  version: GraphVersion,
  types: readonly DirectoryObjectType[],
): { ok: true; properties: string[] | undefined } | { ok: false; error: GraphErrorSpec } {
  if (select === null || select.trim() === '') return { ok: true, properties: undefined };
  const properties: string[] = [];
  for (const requested of select
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)) {
    const match = types
      .map((type) => known(version, type).get(requested.toLowerCase()))
      .find((property) => property !== undefined);
    const name = requested.toLowerCase() === 'id' ? 'id' : match?.name;
    if (name === undefined) {
      return {
        ok: false,
        error: GraphErrors.unknownProperty(requested, 'Microsoft.DirectoryServices.DirectoryObject'),
      };
    }
    if (!properties.includes(name)) properties.push(name);
  }
  return { ok: true, properties };
}
