import { transitiveGroupsOf } from './directory';
import type { AuthenticationMethodSeed, UserSeed } from './seed-schema';
import type { Tenant } from './tenant';

/**
 * Entra's rules for a user's authentication methods that more than one route applies: which
 * method is the default, who a method policy targets, and what SMS sign-in state a mobile phone
 * gets. Sources: the Microsoft pages named at each rule; "inferred" where no
 * source states the rule.
 */

type DefaultMethod = NonNullable<
  NonNullable<UserSeed['signInPreferences']>['userPreferredMethodForSecondaryAuthentication']
>;

/**
 * Whether a method provides the given default method (`userPreferredMethodForSecondaryAuthentication`).
 * Mapping inferred from the enum's names (signInPreferences, beta): sms/voiceMobile → the mobile phone,
 * voiceAlternateMobile → the alternate mobile, voiceOffice → the office phone, push → Microsoft
 * Authenticator, oath → a software or hardware OATH token.
 */
export function providesDefault(method: AuthenticationMethodSeed, preferred: DefaultMethod): boolean {
  switch (preferred) {
    case 'sms':
    case 'voiceMobile':
      return method.type === 'phone' && method.phoneType === 'mobile';
    case 'voiceAlternateMobile':
      return method.type === 'phone' && method.phoneType === 'alternateMobile';
    case 'voiceOffice':
      return method.type === 'phone' && method.phoneType === 'office';
    case 'push':
      return method.type === 'microsoftAuthenticator';
    case 'oath':
      return method.type === 'softwareOath' || method.type === 'hardwareOath';
  }
}

/**
 * The methods that count as "other methods configured" in Graph's "Cannot delete default method
 * with other methods configured" (inferred): those that can *be* a default, i.e. back one of
 * the userDefaultAuthenticationMethodType values (phones, Authenticator, OATH tokens). The error
 * tells the admin to change the default first, which is only possible to such a method; FIDO2,
 * Windows Hello, platform credentials, TAP, email (SSPR only) and the password can't be a default,
 * so they neither block the deletion nor keep a default alive.
 */
export function canBeDefault(method: AuthenticationMethodSeed): boolean {
  return (
    method.type === 'phone' ||
    method.type === 'microsoftAuthenticator' ||
    method.type === 'softwareOath' ||
    method.type === 'hardwareOath'
  );
}

/**
 * Whether the user has registered an MFA method, for per-user MFA's move from `enabled` to
 * `enforced` (strongAuthenticationRequirements resource, beta). The password, email (SSPR only)
 * and a Temporary Access Pass don't count (inferred).
 */
export function hasMfaMethod(user: UserSeed): boolean {
  return user.authenticationMethods.some(
    (method) => !['password', 'email', 'temporaryAccessPass'].includes(method.type),
  );
}

/** The user's default method, if one is set. */
export function defaultMethodOf(user: UserSeed): DefaultMethod | undefined {
  return user.signInPreferences?.userPreferredMethodForSecondaryAuthentication ?? undefined;
}

/**
 * Whether deleting `method` would remove the user's default method while other methods that
 * could take its place remain (the 400 of [obs] microsoftgraph/microsoft-graph-docs#14470). A method is the
 * default only when no other registered method provides the same default (two Authenticator
 * registrations both provide `push`; inferred).
 */
export function isBlockedAsDefault(user: UserSeed, method: AuthenticationMethodSeed): boolean {
  const preferred = defaultMethodOf(user);
  if (preferred === undefined || !providesDefault(method, preferred)) return false;
  const others = user.authenticationMethods.filter((other) => other.id !== method.id);
  if (others.some((other) => providesDefault(other, preferred))) return false;
  return others.some(canBeDefault);
}

/** After a deletion: a default no registered method provides any more is cleared (inferred). */
export function clearOrphanedDefault(user: UserSeed): void {
  const preferred = defaultMethodOf(user);
  if (preferred === undefined || user.signInPreferences === undefined) return;
  if (!user.authenticationMethods.some((method) => providesDefault(method, preferred))) {
    user.signInPreferences.userPreferredMethodForSecondaryAuthentication = null;
  }
}

interface PolicyTargets {
  includeTargets: readonly { targetType: 'user' | 'group'; id: string }[];
  excludeTargets: readonly { targetType: 'user' | 'group'; id: string }[];
}

/**
 * Whether a method policy's targets cover the user: an include target names the user, a group
 * they are in (nested groups count), or `all_users`; an exclude target overrides it
 * (authenticationMethodConfiguration docs: excludeTargets "excluded from using this method").
 */
export function isTargeted(tenant: Tenant, user: UserSeed, policy: PolicyTargets): boolean {
  const groups = new Set(transitiveGroupsOf(tenant.view(), user.id).map((group) => group.id.toLowerCase()));
  const covers = (target: { targetType: 'user' | 'group'; id: string }) =>
    target.id === 'all_users' ||
    (target.targetType === 'user'
      ? target.id.toLowerCase() === user.id.toLowerCase()
      : groups.has(target.id.toLowerCase()));
  return policy.includeTargets.some(covers) && !policy.excludeTargets.some(covers);
}

/** Whether the tenant's SMS policy lets the user sign in with SMS (enableSmsSignIn's third condition). */
export function isEnabledForSmsSignIn(tenant: Tenant, user: UserSeed): boolean {
  const policy = tenant.view().policies.sms;
  if (policy === undefined || policy.state !== 'enabled') return false;
  return isTargeted(tenant, user, {
    includeTargets: policy.includeTargets.filter((target) => target.isUsableForSignIn),
    excludeTargets: policy.excludeTargets,
  });
}

const digits = (phoneNumber: string) => phoneNumber.replace(/\s/g, '');

/** Whether another user already signs in with SMS to this number ("unique in the SMS sign-in system"). */
export function isSmsNumberTaken(tenant: Tenant, user: UserSeed, phoneNumber: string): boolean {
  return tenant
    .view()
    .users.filter((other) => other.id !== user.id)
    .some((other) =>
      other.authenticationMethods.some(
        (method) =>
          method.type === 'phone' &&
          method.smsSignInState === 'ready' &&
          digits(method.phoneNumber) === digits(phoneNumber),
      ),
    );
}

export type SmsSignInState = Extract<AuthenticationMethodSeed, { type: 'phone' }>['smsSignInState'];

/**
 * The state a phone gets when it is added or its number changes: Graph "attempts to register"
 * a mobile number for SMS sign-in when the user is enabled by policy (post-phonemethods and
 * phoneauthenticationmethod-update docs). Which state each outcome shows is inferred from the
 * enum's names: notSupported (not a mobile), notAllowedByPolicy, phoneNumberNotUnique, ready.
 */
export function smsSignInStateFor(
  tenant: Tenant,
  user: UserSeed,
  phoneType: 'mobile' | 'alternateMobile' | 'office',
  phoneNumber: string,
): SmsSignInState {
  if (phoneType !== 'mobile') return 'notSupported';
  if (!isEnabledForSmsSignIn(tenant, user)) return 'notAllowedByPolicy';
  return isSmsNumberTaken(tenant, user, phoneNumber) ? 'phoneNumberNotUnique' : 'ready';
}
