import { randomInt, randomUUID } from 'node:crypto';

import { GraphErrors } from '../errors';
import { ok } from '../messages';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { jsonObjectBody, shown } from '../request-body';
import type { RouteContext, RouteDefinition } from '../router';
import type { AuthenticationMethodSeed, UserSeed } from '../seed-schema';
import { authenticationContextUrl, lookUpMethod, projectForRequest } from './method-support';
import { lookUpUser } from './user-key';

/**
 * Temporary Access Pass (https://learn.microsoft.com/en-us/graph/api/authentication-post-temporaryaccesspassmethods):
 * create, list (at most one), get; delete is in method-deletion.ts. The pass itself is in the
 * create response only: the tenant state never holds it, so neither `/_sim/state` nor any log can
 * show it (the request log keeps no bodies).
 */

type TemporaryAccessPass = Extract<AuthenticationMethodSeed, { type: 'temporaryAccessPass' }>;

const COLLECTION = '/users/{user-id}/authentication/temporaryAccessPassMethods';
const ID = 'temporaryAccessPassAuthenticationMethod-id';
const bad = GraphErrors.authenticationBadRequest;

/**
 * Characters a generated pass uses. Graph's documented example is "+drkzqAD": letters and
 * symbols; the exact alphabet is not documented (inferred; look-alike characters left out).
 */
const PASS_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+#%@&$!';

function generatePass(length: number): string {
  let pass = '';
  for (let i = 0; i < length; i += 1) pass += PASS_ALPHABET[randomInt(PASS_ALPHABET.length)] ?? '';
  return pass;
}

function passesOf(context: RouteContext, user: UserSeed): TemporaryAccessPass[] {
  return context.tenant
    .methodsOf(user)
    .filter((method): method is TemporaryAccessPass => method.type === 'temporaryAccessPass');
}

/**
 * A B2B guest whose identity lives elsewhere: Graph refuses it a TAP, unlike an internal guest
 * (Entra TAP page, "Guest access"). Telling the two apart by the invitation properties is inferred.
 */
const isExternalGuest = (user: UserSeed) =>
  user.userType === 'Guest' && (user.creationType === 'Invitation' || user.externalUserState !== undefined);

/** ISO 8601 with a zone, as Graph's DateTimeOffset. */
const isDateTimeOffset = (value: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
  !Number.isNaN(Date.parse(value));

/**
 * POST …/temporaryAccessPassMethods → 201 with the pass. Every body property is optional: the
 * lifetime defaults to the policy's and must lie within the policy's minimum and maximum (which
 * themselves lie within 10–43200); a multi-use pass needs a policy that allows it; a new pass
 * replaces the user's current one.
 */
const createTemporaryAccessPass: RouteDefinition = {
  method: 'POST',
  template: COLLECTION,
  versions: GRAPH_VERSIONS,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const body = jsonObjectBody(context.request, { allowEmpty: true });
    if (!body.ok) return body.error;
    const policy = context.tenant.temporaryAccessPassPolicy();
    const { startDateTime, lifetimeInMinutes, isUsableOnce } = body.value;

    if (isExternalGuest(lookup.user)) {
      // The message is documented (Entra TAP page); 400 badRequest is inferred.
      return bad('Temporary Access Pass cannot be added to an external guest user.');
    }

    // Not documented; the message is observed for a policy that doesn't allow the method
    // (MicrosoftDocs/azure-docs#111778, glueckkanja/MyWorkID#47); 400 badRequest is inferred.
    if (policy.state !== 'enabled') {
      return bad(
        'Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].',
      );
    }
    if (
      startDateTime !== undefined &&
      (typeof startDateTime !== 'string' || !isDateTimeOffset(startDateTime))
    ) {
      return bad(`Invalid StartDateTime specified: '${shown(startDateTime)}'.`); // wording inferred
    }
    if (isUsableOnce !== undefined && typeof isUsableOnce !== 'boolean') {
      return bad(`Invalid IsUsableOnce specified: '${shown(isUsableOnce)}'.`); // wording inferred
    }
    const lifetime = lifetimeInMinutes ?? policy.defaultLifetimeInMinutes;
    if (
      typeof lifetime !== 'number' ||
      !Number.isInteger(lifetime) ||
      lifetime < policy.minimumLifetimeInMinutes ||
      lifetime > policy.maximumLifetimeInMinutes
    ) {
      // Observed wording with the tenant's policy range (microsoft-graph-docs PR #12187).
      return bad(
        `Invalid LifetimeInMinutes specified. The valid range between ${policy.minimumLifetimeInMinutes} and ${policy.maximumLifetimeInMinutes}.`,
      );
    }
    // "A multi-use Temporary Access Pass can only be created … if it is allowed by the policy"
    // (docs); the refusal's status and wording are inferred.
    if (policy.isUsableOnce && isUsableOnce === false) {
      return bad('The authentication methods policy allows only one-time Temporary Access Passes.');
    }

    const created = new Date().toISOString();
    const tap: TemporaryAccessPass = {
      type: 'temporaryAccessPass',
      id: randomUUID(),
      createdDateTime: created,
      startDateTime: typeof startDateTime === 'string' ? startDateTime : created,
      lifetimeInMinutes: lifetime,
      isUsableOnce: typeof isUsableOnce === 'boolean' ? isUsableOnce : policy.isUsableOnce,
      used: false,
    };
    for (const previous of passesOf(context, lookup.user))
      context.tenant.removeMethod(lookup.user, previous.id);
    context.tenant.putMethod(lookup.user, tap);
    context.tenant.directoryAudits.adminRegistered(
      lookup.user,
      'Temporary Access Pass',
      context.claims.appid,
    );
    return ok(
      {
        '@odata.context': authenticationContextUrl(context, lookup.key, 'temporaryAccessPassMethods/$entity'),
        ...projectForRequest(context, lookup.user, tap),
        temporaryAccessPass: generatePass(policy.defaultLength),
      },
      201,
    );
  },
};

/** GET …/temporaryAccessPassMethods: the user's pass, if any, without its value. */
const listTemporaryAccessPasses: RouteDefinition = {
  method: 'GET',
  template: COLLECTION,
  versions: GRAPH_VERSIONS,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'temporaryAccessPassMethods'),
      value: passesOf(context, lookup.user).map((tap) => projectForRequest(context, lookup.user, tap)),
    });
  },
};

/** GET …/temporaryAccessPassMethods/{id}. */
const getTemporaryAccessPass: RouteDefinition = {
  method: 'GET',
  template: `${COLLECTION}/{${ID}}`,
  versions: GRAPH_VERSIONS,
  handle(context) {
    const lookup = lookUpMethod(context, 'temporaryAccessPass', ID);
    if (!lookup.ok) return lookup.error;
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'temporaryAccessPassMethods/$entity'),
      ...projectForRequest(context, lookup.user, lookup.method),
    });
  },
};

export const TEMPORARY_ACCESS_PASS_ROUTES: readonly RouteDefinition[] = [
  createTemporaryAccessPass,
  listTemporaryAccessPasses,
  getTemporaryAccessPass,
];
