import type { TenantData } from './graph';

/** The demo tenant's group whose members the demo configuration protects (it nests Treasury Team). */
const DEMO_PROTECTED_GROUP = 'Payment Approvers';

/**
 * The guard settings the README's examples rely on, from the seed the simulator runs: the demo's
 * break-glass account is never touched, and members of "Payment Approvers" (JoniS, through a nested
 * group) are protected. A seed without them leaves the setting empty, and the app warns at start.
 */
export function demoGuardSettings(tenant: TenantData): Record<string, string> {
  const breakGlass = tenant.users.find((user) => user.userPrincipalName === tenant.demo.breakGlass);
  const protectedGroup = tenant.groups.find((group) => group.displayName === DEMO_PROTECTED_GROUP);
  return {
    ...(breakGlass ? { BREAK_GLASS_OBJECT_IDS: breakGlass.id } : {}),
    ...(protectedGroup ? { PROTECTED_GROUP_IDS: protectedGroup.id } : {}),
  };
}
