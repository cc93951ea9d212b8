import { GraphErrors } from '../errors';
import { ok } from '../messages';
import { defaultMethodOf, hasMfaMethod, providesDefault } from '../method-rules';
import { jsonObjectBody, shown } from '../request-body';
import type { RouteDefinition } from '../router';
import type { UserSeed } from '../seed-schema';
import { authenticationContextUrl } from './method-support';
import { lookUpUser } from './user-key';

/**
 * Beta-only authentication states (authentication-get / authentication-update,
 * beta): per-user MFA (`requirements`) and the default MFA method (`signInPreferences`). GET → 200,
 * PATCH → 204. Bodies for refused PATCHes are not documented: `badRequest`, wording inferred.
 */

const bad = GraphErrors.authenticationBadRequest;

const PER_USER_MFA_STATES = ['disabled', 'enabled', 'enforced'] as const;
const DEFAULT_METHODS = [
  'push',
  'oath',
  'voiceMobile',
  'voiceAlternateMobile',
  'voiceOffice',
  'sms',
] as const;

type PerUserMfaState = (typeof PER_USER_MFA_STATES)[number];
type DefaultMethod = (typeof DEFAULT_METHODS)[number];

const oneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (values as readonly string[]).includes(value);

const REQUIREMENTS = '/users/{user-id}/authentication/requirements';
const SIGN_IN_PREFERENCES = '/users/{user-id}/authentication/signInPreferences';

/** GET beta /users/{user}/authentication/requirements → `{ perUserMfaState }`. */
const getRequirements: RouteDefinition = {
  method: 'GET',
  template: REQUIREMENTS,
  versions: ['beta'],
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'requirements'),
      perUserMfaState: lookup.user.perUserMfaState,
    });
  },
};

/**
 * PATCH beta /users/{user}/authentication/requirements `{ perUserMfaState }` → 204; `enabled` for a
 * user with an MFA method already registered becomes `enforced`.
 */
const updateRequirements: RouteDefinition = {
  method: 'PATCH',
  template: REQUIREMENTS,
  versions: ['beta'],
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const body = jsonObjectBody(context.request);
    if (!body.ok) return body.error;
    // Unknown properties and non-enum values never get here (request-validation.ts).
    const state = body.value.perUserMfaState;
    if (state === undefined) return { kind: 'response', status: 204 };
    if (!oneOf<PerUserMfaState>(PER_USER_MFA_STATES, state)) {
      return bad(`Invalid perUserMfaState '${shown(state)}'. Use disabled, enabled or enforced.`);
    }
    // "When you update a user's MFA state to enabled and the user has already registered an MFA
    // method, their state changes automatically to enforced." (strongAuthenticationRequirements)
    lookup.user.perUserMfaState = state === 'enabled' && hasMfaMethod(lookup.user) ? 'enforced' : state;
    return { kind: 'response', status: 204 };
  },
};

function signInPreferencesOf(user: UserSeed) {
  return {
    isSystemPreferredAuthenticationMethodEnabled:
      user.signInPreferences?.isSystemPreferredAuthenticationMethodEnabled ?? true,
    userPreferredMethodForSecondaryAuthentication: defaultMethodOf(user) ?? null,
  };
}

/**
 * Application permissions for signInPreferences, which the OpenAPI subset and permissions.json
 * leave out: the docs' Application rows list UserAuthenticationMethod.Read / .ReadWrite (GET) and
 * UserAuthenticationMethod.ReadWrite / .ReadWrite.All (PATCH); `.Read`/`.ReadWrite` are delegated
 * scopes an app token never carries, so an app needs the `.All` ones (inferred).
 */
const SIGN_IN_PREFERENCES_READ = [
  'UserAuthenticationMethod.Read',
  'UserAuthenticationMethod.ReadWrite',
  'UserAuthenticationMethod.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
];
const SIGN_IN_PREFERENCES_WRITE = [
  'UserAuthenticationMethod.ReadWrite',
  'UserAuthenticationMethod.ReadWrite.All',
];

/** GET beta /users/{user}/authentication/signInPreferences. */
const getSignInPreferences: RouteDefinition = {
  method: 'GET',
  template: SIGN_IN_PREFERENCES,
  versions: ['beta'],
  permissions: SIGN_IN_PREFERENCES_READ,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'signInPreferences'),
      ...signInPreferencesOf(lookup.user),
    });
  },
};

/**
 * PATCH beta /users/{user}/authentication/signInPreferences → 204: how an admin changes the
 * default MFA method. A default the user has no method for is refused (inferred).
 */
const updateSignInPreferences: RouteDefinition = {
  method: 'PATCH',
  template: SIGN_IN_PREFERENCES,
  versions: ['beta'],
  permissions: SIGN_IN_PREFERENCES_WRITE,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const body = jsonObjectBody(context.request);
    if (!body.ok) return body.error;
    // Unknown properties and non-enum values never get here (request-validation.ts).
    const {
      isSystemPreferredAuthenticationMethodEnabled: systemPreferred,
      userPreferredMethodForSecondaryAuthentication: preferred,
    } = body.value;
    if (systemPreferred !== undefined && typeof systemPreferred !== 'boolean') {
      return bad(`Invalid isSystemPreferredAuthenticationMethodEnabled '${shown(systemPreferred)}'.`);
    }
    if (preferred !== undefined && !oneOf<DefaultMethod>(DEFAULT_METHODS, preferred)) {
      return bad(`Invalid userPreferredMethodForSecondaryAuthentication '${shown(preferred)}'.`);
    }
    const user = lookup.user;
    if (
      preferred !== undefined &&
      !user.authenticationMethods.some((method) => providesDefault(method, preferred))
    ) {
      return bad(`The user has no registered method for the default method '${preferred}'.`);
    }
    const current = signInPreferencesOf(user);
    user.signInPreferences = {
      isSystemPreferredAuthenticationMethodEnabled:
        systemPreferred ?? current.isSystemPreferredAuthenticationMethodEnabled,
      userPreferredMethodForSecondaryAuthentication:
        preferred ?? current.userPreferredMethodForSecondaryAuthentication,
    };
    return { kind: 'response', status: 204 };
  },
};

export const AUTHENTICATION_STATE_ROUTES: readonly RouteDefinition[] = [
  getRequirements,
  updateRequirements,
  getSignInPreferences,
  updateSignInPreferences,
];
