import { DEMO_SEED_PATH, loadSeedFile, type TenantData, type UserSeed } from '../../local/graph';

/** A part a seeded account plays in demos and docs (the seed's `demo` map): ordinaryUser, guest, … */
export type DemoPart = keyof TenantData['demo'];

let seed: TenantData | undefined;

/** The demo tenant as the simulator starts from it (local/graph/seed/demo-tenant.json), read once. */
export function demoSeed(): TenantData {
  seed ??= loadSeedFile(DEMO_SEED_PATH);
  return seed;
}

/** The seeded user who plays `part`, found by the UPN the seed names for it, so tests follow the seed. */
export function demoSeedUser(part: DemoPart): UserSeed {
  const { demo, users } = demoSeed();
  const upn = demo[part];
  const user = users.find((candidate) => candidate.userPrincipalName === upn);
  if (user === undefined) throw new Error(`The demo seed has no user ${upn ?? '(none named)'} for ${part}`);
  return user;
}

/** The id of the seeded group named `displayName` ('' when the seed has none by that name). */
export const demoGroupId = (displayName: string): string =>
  demoSeed().groups.find((group) => group.displayName === displayName)?.id ?? '';

export interface DemoUser {
  id: string;
  userPrincipalName: string;
  methodIds: string[];
  unmaskedPhoneNumbers: string[];
}

function describeUser(user: UserSeed): DemoUser {
  const methods = user.authenticationMethods ?? [];
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    methodIds: methods.map((method) => method.id),
    unmaskedPhoneNumbers: methods.flatMap((method) =>
      'phoneNumber' in method && typeof method.phoneNumber === 'string' ? [method.phoneNumber] : [],
    ),
  };
}

/** The demo tenant's named users, as the app's responses describe them. */
export function demoTenant() {
  return {
    ordinaryUser: describeUser(demoSeedUser('ordinaryUser')),
    guest: describeUser(demoSeedUser('guest')),
    dollarUser: describeUser(demoSeedUser('dollarUser')),
  };
}
