import { readFileSync } from 'node:fs';

import { DirectoryAuditStore } from './directory-audit-store';
import { DirectoryThrottle } from './directory-throttle';
import { AuthenticationMethodsThrottlingSchema, RequestRateLimiter } from './rate-limit';
import {
  type AuthenticationMethodSeed,
  type TenantData,
  type TenantSeed,
  TenantSeedSchema,
  type UserSeed,
} from './seed-schema';
import { SignInStore } from './sign-in-store';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Validates a seed object, throwing one readable message that lists every problem. */
export function parseSeed(seed: unknown, source = 'seed'): TenantData {
  const result = TenantSeedSchema.safeParse(seed);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`Invalid tenant ${source}:\n${problems.join('\n')}`);
  }
  return result.data;
}

export function loadSeedFile(path: string): TenantData {
  return parseSeed(JSON.parse(readFileSync(path, 'utf8')), `seed file ${path}`);
}

/** The simulated tenant's state: what Graph stores, mutable through the routes, resettable. */
export class Tenant {
  private data: TenantData;
  private signInStore: SignInStore;
  private auditStore = new DirectoryAuditStore();
  /**
   * The identity-and-access reports limit (sign-in logs), per app and tenant. Not tenant data:
   * its settings outlive reset; reset forgets the requests counted so far.
   */
  readonly reportsThrottle = new RequestRateLimiter();
  readonly authenticationMethodsThrottle = new RequestRateLimiter(AuthenticationMethodsThrottlingSchema);
  /** The identity-and-access (directory) limits, per app and tenant; kept across resets like the above. */
  readonly directoryThrottle = new DirectoryThrottle();

  constructor(private readonly initial: TenantData) {
    this.data = structuredClone(initial);
    this.signInStore = new SignInStore(this.data.signIns);
  }

  /** The sign-in log, sorted newest first (its events are `view().signIns`, in insertion order). */
  get signIns(): SignInStore {
    return this.signInStore;
  }

  /** The directory audit log: registrations through the method routes and `/_sim/registrations`. */
  get directoryAudits(): DirectoryAuditStore {
    return this.auditStore;
  }

  get id(): string {
    return this.data.tenant.id;
  }

  /** Back to the given seed, or to the seed the simulator started with. */
  reset(seed?: TenantData): void {
    this.data = structuredClone(seed ?? this.initial);
    this.signInStore = new SignInStore(this.data.signIns);
    this.auditStore = new DirectoryAuditStore();
    this.reportsThrottle.forget();
    this.authenticationMethodsThrottle.forget();
    this.directoryThrottle.forget();
  }

  /** A deep copy of the whole state, in seed format. */
  snapshot(): TenantData {
    return structuredClone(this.data);
  }

  /** The live state, for read-only routes (groups, roles, PIM) that would only copy it. */
  view(): Readonly<TenantData> {
    return this.data;
  }

  /** Looks a user up by object id or by userPrincipalName (case-insensitive, as Entra does). */
  findUser(key: string): UserSeed | undefined {
    const wanted = key.toLowerCase();
    const byId = isGuid(key);
    return this.data.users.find((user) =>
      byId ? user.id.toLowerCase() === wanted : user.userPrincipalName.toLowerCase() === wanted,
    );
  }

  methodsOf(user: UserSeed): readonly AuthenticationMethodSeed[] {
    return user.authenticationMethods;
  }

  temporaryAccessPassPolicy(): TenantData['policies']['temporaryAccessPass'] {
    return this.data.policies.temporaryAccessPass;
  }

  /** Adds a method, or replaces the one with the same id (in place, keeping Graph's order). */
  putMethod(user: UserSeed, method: AuthenticationMethodSeed): void {
    const index = user.authenticationMethods.findIndex((m) => m.id.toLowerCase() === method.id.toLowerCase());
    if (index === -1) user.authenticationMethods.push(method);
    else user.authenticationMethods[index] = method;
  }

  removeMethod(user: UserSeed, methodId: string): void {
    user.authenticationMethods = user.authenticationMethods.filter(
      (method) => method.id.toLowerCase() !== methodId.toLowerCase(),
    );
  }
}

export type { TenantSeed };
