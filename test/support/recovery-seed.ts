import type { AuthenticationMethodSeed, UserSeed } from '../../local/graph';
import { demoSeed, demoSeedUser } from './demo-tenant';
import type { GraphFixture } from './graph-fixture';

/** A seeded user by UPN, so tests follow the seed file rather than copying its values. */
export function seedUser(upn: string): UserSeed {
  const user = demoSeed().users.find((candidate) => candidate.userPrincipalName === upn);
  if (user === undefined) throw new Error(`The demo seed has no user ${upn}`);
  return user;
}

type Method<T extends AuthenticationMethodSeed['type']> = Extract<AuthenticationMethodSeed, { type: T }>;

/** The user's first seeded method of a type (that also matches `where`). */
export function methodOf<T extends AuthenticationMethodSeed['type']>(
  user: UserSeed,
  type: T,
  where: (method: Method<T>) => boolean = () => true,
): Method<T> {
  const method = user.authenticationMethods.find(
    (candidate): candidate is Method<T> => candidate.type === type && where(candidate as Method<T>),
  );
  if (method === undefined) throw new Error(`${user.userPrincipalName} has no seeded ${type} method`);
  return method;
}

/** The seeded users the recovery-route tests use, and what each one exercises. */
export const users = {
  /** Default `push`; mobile + office phone, email, Authenticator, FIDO2, software OATH; SMS-enabled by policy. */
  adele: demoSeedUser('ordinaryUser'),
  /** Default `sms` (mobile, SMS sign-in ready) with an alternate mobile; every method type; a used TAP. */
  diego: demoSeedUser('everyMethodUser'),
  /** Global Administrator; excluded from SMS sign-in; per-user MFA enforced. */
  megan: demoSeedUser('globalAdministrator'),
  /** In the group excluded from the TAP policy. */
  breakGlass: demoSeedUser('breakGlass'),
  /** Not in the SMS policy's group. */
  guest: demoSeedUser('guest'),
  /** Only `/users('$AlexW@…')` works; expired TAP. */
  dollar: demoSeedUser('dollarUser'),
  /** Default `oath` (hardware token, beta only) with two phones. */
  isaiah: seedUser('IsaiahL@contoso.onmicrosoft.com'),
  /** Default `sms` and nothing else but the password. */
  johanna: seedUser('JohannaL@contoso.onmicrosoft.com'),
  /** No phone; SMS-enabled by policy. */
  grady: seedUser('GradyA@contoso.onmicrosoft.com'),
  /** Default `voiceMobile`, a Windows Hello key that needs MFA to delete, QR code + PIN; per-user MFA enabled. */
  patti: seedUser('PattiF@contoso.onmicrosoft.com'),
};

export interface GraphReply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  text: string;
}

/** One HTTPS call to the simulator: `path` below the version root, JSON body when given. */
export async function graphCall(
  fixture: GraphFixture,
  method: string,
  path: string,
  options: { version?: 'v1.0' | 'beta'; body?: unknown; token?: string | null } = {},
): Promise<GraphReply> {
  const token = options.token === undefined ? fixture.token : options.token;
  const response = await fetch(`${fixture.simulator.url}/${options.version ?? 'v1.0'}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
    text,
  };
}

/** The Graph error of a reply (`error.code`, `error.message`, …). */
export function errorOf(reply: GraphReply): {
  code: string;
  message: string;
  innerError: Record<string, string>;
} {
  return (reply.body as { error: { code: string; message: string; innerError: Record<string, string> } })
    .error;
}

/** A user's methods as the live tenant holds them. */
export function liveMethods(fixture: GraphFixture, user: UserSeed): AuthenticationMethodSeed[] {
  return (
    fixture.simulator.state().users.find((candidate) => candidate.id === user.id)?.authenticationMethods ?? []
  );
}

/** A user as the live tenant holds it. */
export function liveUser(fixture: GraphFixture, user: UserSeed): UserSeed {
  const live = fixture.simulator.state().users.find((candidate) => candidate.id === user.id);
  if (live === undefined) throw new Error(`no user ${user.id}`);
  return live;
}
