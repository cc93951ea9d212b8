import { DEMO_SEED_PATH, loadSeedFile, type UserSeed } from '../../local/graph';

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

/** The demo tenant's named users, read from the seed so tests follow it when it changes. */
export function demoTenant() {
  const seed = loadSeedFile(DEMO_SEED_PATH);
  const byUpn = (upn: string | undefined): DemoUser => {
    const user = seed.users.find((candidate) => candidate.userPrincipalName === upn);
    if (!user) throw new Error(`The demo seed has no user ${upn}`);
    return describeUser(user);
  };
  return {
    ordinaryUser: byUpn(seed.demo.ordinaryUser),
    guest: byUpn(seed.demo.guest),
    dollarUser: byUpn(seed.demo.dollarUser),
  };
}
