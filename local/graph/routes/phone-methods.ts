import { GraphErrors } from '../errors';
import { PHONE_METHOD_IDS } from '../graph-ids';
import { type HandlerResult, ok } from '../messages';
import { isEnabledForSmsSignIn, isSmsNumberTaken, smsSignInStateFor } from '../method-rules';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { jsonObjectBody, shown } from '../request-body';
import type { RouteContext, RouteDefinition } from '../router';
import { type AuthenticationMethodSeed, PHONE_NUMBER_PATTERN, type UserSeed } from '../seed-schema';
import { authenticationContextUrl, lookUpMethod, projectForRequest } from './method-support';
import { lookUpUser } from './user-key';

/**
 * Phone methods (https://learn.microsoft.com/en-us/graph/api/resources/phoneauthenticationmethod):
 * list, add, get, update the number, delete (method-deletion.ts), and SMS sign-in on/off. Phones
 * have fixed ids per type; one phone per type; an alternate mobile needs a mobile. Graph documents
 * these rules but not its error bodies: every 400 below is `badRequest` with inferred wording.
 */

type Phone = Extract<AuthenticationMethodSeed, { type: 'phone' }>;
type PhoneType = Phone['phoneType'];

const PHONE_TYPES: readonly PhoneType[] = ['mobile', 'alternateMobile', 'office'];
const ITEM = '/users/{user-id}/authentication/phoneMethods/{phoneAuthenticationMethod-id}';
const ID = 'phoneAuthenticationMethod-id';

const bad = GraphErrors.authenticationBadRequest;
const isPhoneType = (value: unknown): value is PhoneType =>
  typeof value === 'string' && (PHONE_TYPES as readonly string[]).includes(value);

function phonesOf(context: RouteContext, user: UserSeed): Phone[] {
  return context.tenant.methodsOf(user).filter((method): method is Phone => method.type === 'phone');
}

/** "Numbers are rejected when creating or updating if they don't match the required format." */
function invalidNumber(phoneNumber: unknown): HandlerResult | undefined {
  if (typeof phoneNumber === 'string' && PHONE_NUMBER_PATTERN.test(phoneNumber)) return undefined;
  return bad(
    `Invalid phone number '${shown(phoneNumber)}'. Phone numbers use the format '+{country code} {number}x{extension}', e.g. '+1 5555551234'.`,
  );
}

/** GET /users/{user}/authentication/phoneMethods (phoneauthenticationmethod-list). */
const listPhoneMethods: RouteDefinition = {
  method: 'GET',
  template: '/users/{user-id}/authentication/phoneMethods',
  versions: GRAPH_VERSIONS,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'phoneMethods'),
      value: phonesOf(context, lookup.user).map((phone) => projectForRequest(context, lookup.user, phone)),
    });
  },
};

/** GET /users/{user}/authentication/phoneMethods/{id} (phoneauthenticationmethod-get). */
const getPhoneMethod: RouteDefinition = {
  method: 'GET',
  template: ITEM,
  versions: GRAPH_VERSIONS,
  handle(context) {
    const found = lookUpMethod(context, 'phone', ID);
    if (!found.ok) return found.error;
    return ok({
      '@odata.context': authenticationContextUrl(context, found.key, 'phoneMethods/$entity'),
      ...projectForRequest(context, found.user, found.method),
    });
  },
};

/**
 * POST /users/{user}/authentication/phoneMethods → 201 (authentication-post-phonemethods): the body
 * must have phoneNumber and phoneType and must not have smsSignInState; a mobile added for a user
 * enabled for SMS sign-in is registered for it.
 */
const createPhoneMethod: RouteDefinition = {
  method: 'POST',
  template: '/users/{user-id}/authentication/phoneMethods',
  versions: GRAPH_VERSIONS,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const body = jsonObjectBody(context.request);
    if (!body.ok) return body.error;
    const { phoneNumber, phoneType } = body.value;
    if ('smsSignInState' in body.value) return bad("The property 'smsSignInState' is read-only.");
    if (phoneNumber === undefined || phoneType === undefined) {
      return bad("The request must specify both 'phoneNumber' and 'phoneType'.");
    }
    if (!isPhoneType(phoneType)) return bad(`Invalid phoneType '${shown(phoneType)}'.`);
    const numberProblem = invalidNumber(phoneNumber);
    if (numberProblem !== undefined) return numberProblem;
    const number = phoneNumber as string;
    const phones = phonesOf(context, lookup.user);
    if (phones.some((phone) => phone.phoneType === phoneType)) {
      return bad(`The user already has a phone method of type '${phoneType}'. Update it instead.`);
    }
    if (phoneType === 'alternateMobile' && !phones.some((phone) => phone.phoneType === 'mobile')) {
      return bad('An alternateMobile phone can only be added to a user who has a mobile phone.');
    }
    const phone: Phone = {
      type: 'phone',
      id: PHONE_METHOD_IDS[phoneType],
      phoneNumber: number,
      phoneType,
      smsSignInState: smsSignInStateFor(context.tenant, lookup.user, phoneType, number),
    };
    context.tenant.putMethod(lookup.user, phone);
    context.tenant.directoryAudits.adminRegistered(lookup.user, 'Phone', context.claims.appid);
    return ok(
      {
        '@odata.context': authenticationContextUrl(context, lookup.key, 'phoneMethods/$entity'),
        ...projectForRequest(context, lookup.user, phone),
      },
      201,
    );
  },
};

/**
 * PATCH /users/{user}/authentication/phoneMethods/{id} → 204 (phoneauthenticationmethod-update):
 * changes the number; the type can't change; a changed mobile number is registered for SMS
 * sign-in again when the user is enabled for it.
 */
const updatePhoneMethod: RouteDefinition = {
  method: 'PATCH',
  template: ITEM,
  versions: GRAPH_VERSIONS,
  // Not in the OpenAPI subsets; the docs' Application row.
  permissions: ['UserAuthMethod-Phone.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'],
  handle(context) {
    const found = lookUpMethod(context, 'phone', ID);
    if (!found.ok) return found.error;
    const body = jsonObjectBody(context.request);
    if (!body.ok) return body.error;
    const { phoneNumber, phoneType } = body.value;
    if ('smsSignInState' in body.value) return bad("The property 'smsSignInState' is read-only.");
    if (phoneType !== undefined && phoneType !== found.method.phoneType) {
      return bad("A phone's type can't be changed. Add a phone of the new type and delete this one.");
    }
    if (phoneNumber === undefined) return { kind: 'response', status: 204 };
    const numberProblem = invalidNumber(phoneNumber);
    if (numberProblem !== undefined) return numberProblem;
    const number = phoneNumber as string;
    const changed = number !== found.method.phoneNumber;
    context.tenant.putMethod(found.user, {
      ...found.method,
      phoneNumber: number,
      smsSignInState: changed
        ? smsSignInStateFor(context.tenant, found.user, found.method.phoneType, number)
        : found.method.smsSignInState,
    });
    return { kind: 'response', status: 204 };
  },
};

/**
 * POST …/phoneMethods/{id}/enableSmsSignIn → 204 (phoneauthenticationmethod-enablesmssignin).
 * Succeeds only for the mobile phone, a number no one else signs in with, and a user the SMS
 * policy enables; the error bodies are not documented (inferred unless marked [obs]).
 */
const enableSmsSignIn: RouteDefinition = {
  method: 'POST',
  template: `${ITEM}/enableSmsSignIn`,
  versions: GRAPH_VERSIONS,
  handle(context) {
    const found = lookUpMethod(context, 'phone', ID);
    if (!found.ok) return found.error;
    const { user, method: phone } = found;
    if (phone.phoneType !== 'mobile') return bad('SMS sign-in can only be enabled for a mobile phone.');
    if (!isEnabledForSmsSignIn(context.tenant, user)) {
      // [obs] microsoftgraph/msgraph-sdk-dotnet#2549 (message; 400 badRequest inferred).
      return bad(
        'Cannot enable SMS sign-in on phone auth method as the credential policy is not enabled on user',
      );
    }
    if (isSmsNumberTaken(context.tenant, user, phone.phoneNumber)) {
      return bad('The phone number is already used for SMS sign-in by another user.');
    }
    context.tenant.putMethod(user, { ...phone, smsSignInState: 'ready' });
    return { kind: 'response', status: 204 };
  },
};

/** POST …/phoneMethods/{id}/disableSmsSignIn → 204 (phoneauthenticationmethod-disablesmssignin). */
const disableSmsSignIn: RouteDefinition = {
  method: 'POST',
  template: `${ITEM}/disableSmsSignIn`,
  versions: GRAPH_VERSIONS,
  handle(context) {
    const found = lookUpMethod(context, 'phone', ID);
    if (!found.ok) return found.error;
    const { user, method: phone } = found;
    // Only a mobile can be used for SMS sign-in, so only a mobile can be turned off (inferred).
    if (phone.phoneType !== 'mobile') return bad('SMS sign-in can only be disabled for a mobile phone.');
    const smsSignInState = isEnabledForSmsSignIn(context.tenant, user) ? 'notEnabled' : 'notAllowedByPolicy';
    context.tenant.putMethod(user, { ...phone, smsSignInState });
    return { kind: 'response', status: 204 };
  },
};

export const PHONE_METHOD_ROUTES: readonly RouteDefinition[] = [
  listPhoneMethods,
  createPhoneMethod,
  getPhoneMethod,
  updatePhoneMethod,
  enableSmsSignIn,
  disableSmsSignIn,
];
