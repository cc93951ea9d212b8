import { DEFAULT_PROTECTED_ROLE_TEMPLATE_IDS } from '../../src/lib/config';
import {
  classifyRegistration,
  type RegistrationAudience,
  type RegistrationClass,
  TELEPHONY_RETIREMENT,
} from '../../src/lib/registration/classify';
import { demoGuardSettings } from '../demo-guard-settings';
import { DEMO_SEED_PATH, loadSeedFile, type TenantData, type UserSeed } from '../graph';
import { projectUserRegistrationDetails } from '../graph/projection/user-registration-details';

/** A demo-tenant user as the history sees them: read from the seed file, never from the simulator. */
export interface TenantUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  audience: RegistrationAudience;
  /** The class the registration scan will find today, and the report values behind it. */
  class: RegistrationClass;
  methodsRegistered: string[];
  telephonyEnds?: string;
}

/**
 * Who the guard would protect, read off the seed with the default settings and the demo's guard
 * settings: the break-glass account, holders (active or eligible, directly or through a group) of a
 * protected role, and members of the protected group. Only the history's old snapshots use it; the
 * current one is the real scan's.
 */
function protectedIds(tenant: TenantData): Set<string> {
  const groups = new Map(tenant.groups.map((group) => [group.id.toLowerCase(), group]));
  const members = (id: string, seen = new Set<string>()): string[] => {
    const group = groups.get(id.toLowerCase());
    if (!group) return [id.toLowerCase()];
    if (seen.has(group.id)) return [];
    seen.add(group.id);
    return group.memberIds.flatMap((member) => members(member, seen));
  };
  const protectedRoles = new Set<string>(DEFAULT_PROTECTED_ROLE_TEMPLATE_IDS);
  const settings = demoGuardSettings(tenant);
  const principals = [
    ...(settings.BREAK_GLASS_OBJECT_IDS ? [settings.BREAK_GLASS_OBJECT_IDS] : []),
    ...(settings.PROTECTED_GROUP_IDS ? [settings.PROTECTED_GROUP_IDS] : []),
    ...tenant.directoryRoles
      .filter((role) => protectedRoles.has(role.roleTemplateId))
      .flatMap((role) => role.memberIds),
    ...[...tenant.roleEligibilities, ...tenant.roleAssignments]
      .filter((row) => protectedRoles.has(row.roleDefinitionId))
      .map((row) => row.principalId),
    ...tenant.groupEligibilities.map((row) => row.principalId),
    ...tenant.groups.filter((group) => group.isAssignableToRole === true).map((group) => group.id),
  ];
  return new Set(principals.flatMap((id) => members(id)));
}

function describe(user: UserSeed, tenant: TenantData, isProtected: boolean, now: Date): TenantUser {
  const details = projectUserRegistrationDetails(user, tenant, now.toISOString()) as {
    methodsRegistered: string[];
    isMfaCapable: boolean;
  };
  const classification = classifyRegistration(details, {
    telephonyProvider: 'microsoft',
    telephonyRetirement: TELEPHONY_RETIREMENT,
    now,
  });
  return {
    id: user.id.toLowerCase(),
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    audience: isProtected ? 'protected' : user.userType === 'Guest' ? 'guest' : 'member',
    class: classification.class,
    methodsRegistered: details.methodsRegistered,
    ...(classification.telephonyEnds === undefined ? {} : { telephonyEnds: classification.telephonyEnds }),
  };
}

/** The demo tenant's enabled users (the ones the registration report lists). */
export function demoTenantUsers(now: Date, seedPath: string = DEMO_SEED_PATH): TenantUser[] {
  const tenant = loadSeedFile(seedPath);
  const guarded = protectedIds(tenant);
  return tenant.users
    .filter((user) => user.accountEnabled)
    .map((user) => describe(user, tenant, guarded.has(user.id.toLowerCase()), now));
}

/** The demo's named parts (ordinaryUser, breakGlass, …) by UPN. */
export function demoParts(seedPath: string = DEMO_SEED_PATH): TenantData['demo'] {
  return loadSeedFile(seedPath).demo;
}
