import { beforeAll, describe, expect, it } from 'vitest';

import type { FaultSpec, GraphSimulator, GraphVersion, RequestLogEntry } from '../../local/graph';
import { graphOpenApiValidator, type OpenApiValidator } from '../../local/graph/openapi-validator';
import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { methodOf, users } from '../support/recovery-seed';

/**
 * Every JSON body the simulator serves for a Graph route (success and error, batch steps too)
 * must validate against Microsoft's OpenAPI subset for that path, method and status (or
 * `default`). The table below drives the requests; the last test fails when a route the
 * simulator serves has no successful case here, so a new route can't skip conformance.
 */

const seed = demoSeed();
const ordinary = demoSeedUser('ordinaryUser');
const guest = demoSeedUser('guest');
const dollar = demoSeedUser('dollarUser');

/** `readWriteAll`: UserAuthenticationMethod.ReadWrite.All, for operations the app's own roles don't cover. */
type Caller = 'app' | 'anonymous' | 'usersOnly' | 'readWriteAll';

interface ConformanceCase {
  name: string;
  method: string;
  /** Below the version root, query included. */
  path: string;
  body?: unknown;
  caller?: Caller;
  fault?: FaultSpec;
  status: number;
  /** Only in these versions (beta-only operations); both by default. */
  versions?: readonly GraphVersion[];
  /** Graph passes another service's error body through here [obs]: only the status is checked. */
  rawErrorBody?: true;
  /** Prepares the tenant after the reset (e.g. adds sign-in events). */
  setup?: (simulator: GraphSimulator) => void;
  /** Checks the page the first response's `@odata.nextLink` leads to instead. */
  followNextLink?: true;
}

interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

const VERSIONS: readonly GraphVersion[] = ['v1.0', 'beta'];

/**
 * Routes served although the OpenAPI subsets don't describe them: `METHOD /template`, or
 * `version METHOD /template` where only that version's subset lacks the path.
 */
const OUTSIDE_OPENAPI_SUBSET: readonly string[] = [
  // Documented (phoneauthenticationmethod-update; beta passwordlessmicrosoftauthenticatorauthenticationmethod-delete).
  'PATCH /users/{user-id}/authentication/phoneMethods/{phoneAuthenticationMethod-id}',
  'DELETE /users/{user-id}/authentication/passwordlessMicrosoftAuthenticatorMethods/{passwordlessMicrosoftAuthenticatorAuthenticationMethod-id}',
  // In v1.0 too (qrcodepinauthenticationmethod-get/-delete), though only the beta subset has the path.
  'v1.0 GET /users/{user-id}/authentication/qrCodePinMethod',
  'v1.0 DELETE /users/{user-id}/authentication/qrCodePinMethod',
  // PIM lists (rbacapplication-list-…, privilegedaccessgroup-list-eligibilityscheduleinstances); shapes
  // checked in graph-simulator-roles.test.ts.
  'GET /roleManagement/directory/roleAssignmentScheduleInstances',
  'GET /roleManagement/directory/roleEligibilityScheduleInstances',
  'GET /identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
  // Group lists for the lockout scan's protected population (group-list,
  // group-list-transitivemembers); items checked against the group/user schemas in
  // graph-simulator-groups.test.ts.
  'GET /groups',
  'GET /groups/{group-id}/transitiveMembers',
  'GET /groups/{group-id}/transitiveMembers/microsoft.graph.user',
  'GET /groups/{group-id}/transitiveMembers/microsoft.graph.group',
  // `/$count` answers text/plain, which no OpenAPI schema describes (aad-advanced-queries);
  // checked in graph-simulator-groups.test.ts and graph-simulator-roles.test.ts.
  // The subsets leave out the audit log (directoryaudit-list); shapes and errors checked in
  // graph-simulator-directory-audits.test.ts.
  'GET /auditLogs/directoryAudits',
  // The subsets leave out the registration report (authenticationmethodsroot-list-userregistrationdetails);
  // shape and errors checked in graph-simulator-registration-details.test.ts.
  'GET /reports/authenticationMethods/userRegistrationDetails',
  'GET /groups/$count',
  'GET /groups/{group-id}/transitiveMembers/$count',
  'GET /users/{user-id}/transitiveMemberOf/$count',
  'GET /users/{user-id}/transitiveMemberOf/microsoft.graph.group/$count',
];

const isOutsideSubset = (route: { version: GraphVersion; method: string; template: string }) =>
  OUTSIDE_OPENAPI_SUBSET.includes(`${route.method} ${route.template}`) ||
  OUTSIDE_OPENAPI_SUBSET.includes(`${route.version} ${route.method} ${route.template}`);

const methodsOf = (key: string) => `/users/${key}/authentication/methods`;
const nobody = 'nobody@contoso.onmicrosoft.com';

const batchSteps: BatchStep[] = [
  { id: 'user', method: 'GET', url: `/users/${ordinary.id}?$select=displayName,accountEnabled` },
  { id: 'methods', method: 'GET', url: methodsOf(ordinary.userPrincipalName) },
  { id: 'missing', method: 'GET', url: `/users/${nobody}` },
  { id: 'missingMethods', method: 'GET', url: methodsOf(nobody) },
  { id: 'throttled', method: 'GET', url: methodsOf(guest.id) },
];

// Recovery operations (the tenant is reset before every case, so each starts from the seed).
const { adele, diego, isaiah, grady, megan, patti } = users;
const auth = (user: { id: string }, rest: string) => `/users/${user.id}/authentication/${rest}`;
const diegoMobile = methodOf(diego, 'phone', (phone) => phone.phoneType === 'mobile').id;
const diegoOffice = methodOf(diego, 'phone', (phone) => phone.phoneType === 'office').id;
const diegoTap = methodOf(diego, 'temporaryAccessPass').id;
const pattiLockedKey = methodOf(patti, 'windowsHelloForBusiness', (key) => key.deleteRequiresMfa === true).id;
const tapPolicy =
  '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass';
const json = { 'Content-Type': 'application/json' };

const RECOVERY_CASES: readonly ConformanceCase[] = [
  // DELETE …/<type>Methods/{id}
  { name: 'delete a phone', method: 'DELETE', path: auth(diego, `phoneMethods/${diegoOffice}`), status: 204 },
  {
    name: 'delete the default phone while other methods remain',
    method: 'DELETE',
    path: auth(diego, `phoneMethods/${diegoMobile}`),
    status: 400,
  },
  {
    name: 'delete a phone the user lacks',
    method: 'DELETE',
    path: auth(grady, `phoneMethods/${diegoMobile}`),
    status: 404,
  },
  {
    name: 'delete an email method',
    method: 'DELETE',
    path: auth(adele, `emailMethods/${methodOf(adele, 'email').id}`),
    status: 204,
  },
  {
    name: 'delete a FIDO2 key',
    method: 'DELETE',
    path: auth(adele, `fido2Methods/${methodOf(adele, 'fido2').id}`),
    status: 204,
  },
  {
    name: 'delete an Authenticator',
    method: 'DELETE',
    path: auth(diego, `microsoftAuthenticatorMethods/${methodOf(diego, 'microsoftAuthenticator').id}`),
    status: 204,
  },
  {
    name: 'delete the default Authenticator while other methods remain',
    method: 'DELETE',
    path: auth(adele, `microsoftAuthenticatorMethods/${methodOf(adele, 'microsoftAuthenticator').id}`),
    status: 400,
  },
  {
    name: 'delete a software OATH token',
    method: 'DELETE',
    path: auth(adele, `softwareOathMethods/${methodOf(adele, 'softwareOath').id}`),
    status: 204,
  },
  {
    name: 'delete a TAP',
    method: 'DELETE',
    path: auth(diego, `temporaryAccessPassMethods/${diegoTap}`),
    status: 204,
  },
  {
    name: 'delete a Windows Hello key',
    method: 'DELETE',
    path: auth(megan, `windowsHelloForBusinessMethods/${methodOf(megan, 'windowsHelloForBusiness').id}`),
    status: 204,
  },
  {
    name: 'delete a Windows Hello key that needs MFA',
    method: 'DELETE',
    path: auth(patti, `windowsHelloForBusinessMethods/${pattiLockedKey}`),
    status: 400,
    rawErrorBody: true,
  },
  {
    name: 'delete a platform credential',
    method: 'DELETE',
    path: auth(diego, `platformCredentialMethods/${methodOf(diego, 'platformCredential').id}`),
    status: 204,
  },
  {
    name: 'delete a hardware OATH token',
    method: 'DELETE',
    path: auth(diego, `hardwareOathMethods/${methodOf(diego, 'hardwareOath').id}`),
    status: 204,
    versions: ['beta'],
  },
  {
    name: 'delete the default hardware OATH token while other methods remain',
    method: 'DELETE',
    path: auth(isaiah, `hardwareOathMethods/${methodOf(isaiah, 'hardwareOath').id}`),
    status: 400,
    versions: ['beta'],
  },
  {
    name: 'delete a legacy passwordless Authenticator',
    method: 'DELETE',
    path: auth(
      diego,
      `passwordlessMicrosoftAuthenticatorMethods/${methodOf(diego, 'passwordlessMicrosoftAuthenticator').id}`,
    ),
    caller: 'readWriteAll',
    status: 204,
    versions: ['beta'],
  },
  {
    name: "delete a legacy passwordless Authenticator with the app's Authenticator permission",
    method: 'DELETE',
    path: auth(
      diego,
      `passwordlessMicrosoftAuthenticatorMethods/${methodOf(diego, 'passwordlessMicrosoftAuthenticator').id}`,
    ),
    status: 204,
    versions: ['beta'],
  },
  {
    name: 'delete QR code + PIN',
    method: 'DELETE',
    path: auth(patti, 'qrCodePinMethod'),
    status: 204,
    versions: ['beta'],
  },
  {
    name: 'delete QR code + PIN the user lacks',
    method: 'DELETE',
    path: auth(adele, 'qrCodePinMethod'),
    status: 404,
    versions: ['beta'],
  },
  {
    name: 'delete the password',
    method: 'DELETE',
    path: auth(adele, `passwordMethods/${methodOf(adele, 'password').id}`),
    status: 405,
  },
  {
    name: 'delete through the generic methods path',
    method: 'DELETE',
    path: auth(adele, `methods/${methodOf(adele, 'fido2').id}`),
    status: 405,
  },
  {
    name: 'delete without the method permission',
    method: 'DELETE',
    path: auth(adele, `fido2Methods/${methodOf(adele, 'fido2').id}`),
    caller: 'usersOnly',
    status: 403,
  },
  // Per-type lists and gets
  {
    name: 'get a method by id',
    method: 'GET',
    path: auth(diego, `methods/${methodOf(diego, 'windowsHelloForBusiness').id}`),
    status: 200,
  },
  {
    name: 'get a method the user lacks',
    method: 'GET',
    path: auth(grady, `methods/${methodOf(diego, 'windowsHelloForBusiness').id}`),
    status: 404,
  },
  ...(
    [
      ['passwordMethods', 'password'],
      ['emailMethods', 'email'],
      ['fido2Methods', 'fido2'],
      ['microsoftAuthenticatorMethods', 'microsoftAuthenticator'],
      ['softwareOathMethods', 'softwareOath'],
      ['windowsHelloForBusinessMethods', 'windowsHelloForBusiness'],
      ['platformCredentialMethods', 'platformCredential'],
    ] as const
  ).flatMap(([collection, type]): ConformanceCase[] => [
    { name: `list ${collection}`, method: 'GET', path: auth(diego, collection), status: 200 },
    {
      name: `get one of ${collection}`,
      method: 'GET',
      path: auth(diego, `${collection}/${methodOf(diego, type).id}`),
      status: 200,
    },
  ]),
  {
    name: 'get a FIDO2 key the user lacks',
    method: 'GET',
    path: auth(grady, `fido2Methods/${methodOf(adele, 'fido2').id}`),
    status: 404,
  },
  {
    name: 'list hardware OATH tokens',
    method: 'GET',
    path: auth(isaiah, 'hardwareOathMethods'),
    status: 200,
    versions: ['beta'],
  },
  {
    name: 'get a hardware OATH token',
    method: 'GET',
    path: auth(isaiah, `hardwareOathMethods/${methodOf(isaiah, 'hardwareOath').id}`),
    status: 200,
    versions: ['beta'],
  },
  {
    name: 'get the QR code + PIN method',
    method: 'GET',
    path: auth(patti, 'qrCodePinMethod'),
    status: 200,
    versions: ['beta'],
  },
  // Phone methods and SMS sign-in
  { name: 'list phones', method: 'GET', path: auth(diego, 'phoneMethods'), status: 200 },
  {
    name: 'list phones of an unknown user',
    method: 'GET',
    path: `/users/${nobody}/authentication/phoneMethods`,
    status: 404,
  },
  { name: 'get a phone', method: 'GET', path: auth(diego, `phoneMethods/${diegoMobile}`), status: 200 },
  {
    name: 'get a phone the user lacks',
    method: 'GET',
    path: auth(grady, `phoneMethods/${diegoMobile}`),
    status: 404,
  },
  {
    name: 'add a mobile phone',
    method: 'POST',
    path: auth(grady, 'phoneMethods'),
    body: { phoneNumber: '+1 3095550104', phoneType: 'mobile' },
    status: 201,
  },
  {
    name: 'add a second mobile phone',
    method: 'POST',
    path: auth(adele, 'phoneMethods'),
    body: { phoneNumber: '+1 4255550110', phoneType: 'mobile' },
    status: 400,
  },
  {
    name: 'add a phone in the wrong format',
    method: 'POST',
    path: auth(grady, 'phoneMethods'),
    body: { phoneNumber: '3095550104', phoneType: 'mobile' },
    status: 400,
  },
  {
    name: 'change a phone number',
    method: 'PATCH',
    path: auth(diego, `phoneMethods/${diegoMobile}`),
    body: { phoneNumber: '+1 2055550199', phoneType: 'mobile' },
    status: 204,
  },
  {
    name: "change a phone's type",
    method: 'PATCH',
    path: auth(diego, `phoneMethods/${diegoMobile}`),
    body: { phoneType: 'office' },
    status: 400,
  },
  {
    name: 'enable SMS sign-in',
    method: 'POST',
    path: auth(
      adele,
      `phoneMethods/${methodOf(adele, 'phone', (phone) => phone.phoneType === 'mobile').id}/enableSmsSignIn`,
    ),
    status: 204,
  },
  {
    name: 'enable SMS sign-in for a user the policy leaves out',
    method: 'POST',
    path: auth(
      patti,
      `phoneMethods/${methodOf(patti, 'phone', (phone) => phone.phoneType === 'mobile').id}/enableSmsSignIn`,
    ),
    status: 400,
  },
  {
    name: 'disable SMS sign-in',
    method: 'POST',
    path: auth(diego, `phoneMethods/${diegoMobile}/disableSmsSignIn`),
    status: 204,
  },
  {
    name: 'disable SMS sign-in on an office phone',
    method: 'POST',
    path: auth(diego, `phoneMethods/${diegoOffice}/disableSmsSignIn`),
    status: 400,
  },
  // Temporary Access Pass and its policy
  {
    name: 'issue a TAP',
    method: 'POST',
    path: auth(adele, 'temporaryAccessPassMethods'),
    body: {},
    status: 201,
  },
  {
    name: 'issue a TAP to an external guest',
    method: 'POST',
    path: `/users/${guest.id}/authentication/temporaryAccessPassMethods`,
    body: {},
    status: 400,
  },
  {
    name: 'issue a TAP outside the policy lifetime',
    method: 'POST',
    path: auth(adele, 'temporaryAccessPassMethods'),
    body: { lifetimeInMinutes: 481 },
    status: 400,
  },
  {
    name: 'issue a TAP without a token',
    method: 'POST',
    path: auth(adele, 'temporaryAccessPassMethods'),
    body: {},
    caller: 'anonymous',
    status: 401,
  },
  { name: 'list TAPs', method: 'GET', path: auth(diego, 'temporaryAccessPassMethods'), status: 200 },
  {
    name: 'get a TAP',
    method: 'GET',
    path: auth(diego, `temporaryAccessPassMethods/${diegoTap}`),
    status: 200,
  },
  {
    name: 'get a TAP the user lacks',
    method: 'GET',
    path: auth(adele, `temporaryAccessPassMethods/${diegoTap}`),
    status: 404,
  },
  { name: 'TAP policy', method: 'GET', path: tapPolicy, status: 200 },
  {
    name: 'TAP policy without a policy permission',
    method: 'GET',
    path: tapPolicy,
    caller: 'usersOnly',
    status: 403,
  },
  {
    name: 'unknown method configuration',
    method: 'GET',
    path: '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Nope',
    status: 404,
  },
  // Sessions
  { name: 'revoke sessions', method: 'POST', path: `/users/${adele.id}/revokeSignInSessions`, status: 200 },
  {
    name: 'revoke sessions of an unknown user',
    method: 'POST',
    path: `/users/${nobody}/revokeSignInSessions`,
    status: 404,
  },
  {
    name: 'revoke sessions without the permission',
    method: 'POST',
    path: `/users/${adele.id}/revokeSignInSessions`,
    caller: 'usersOnly',
    status: 403,
  },
  // Beta authentication states: per-user MFA and the default method
  {
    name: 'per-user MFA state',
    method: 'GET',
    path: auth(megan, 'requirements'),
    status: 200,
    versions: ['beta'],
  },
  {
    name: 'set per-user MFA state',
    method: 'PATCH',
    path: auth(adele, 'requirements'),
    body: { perUserMfaState: 'enforced' },
    status: 204,
    versions: ['beta'],
  },
  {
    name: 'set an unknown per-user MFA state',
    method: 'PATCH',
    path: auth(adele, 'requirements'),
    body: { perUserMfaState: 'sometimes' },
    status: 400,
    versions: ['beta'],
  },
  {
    name: 'sign-in preferences',
    method: 'GET',
    path: auth(adele, 'signInPreferences'),
    status: 200,
    versions: ['beta'],
  },
  {
    name: 'change the default method',
    method: 'PATCH',
    path: auth(adele, 'signInPreferences'),
    body: { userPreferredMethodForSecondaryAuthentication: 'oath' },
    caller: 'readWriteAll',
    status: 204,
    versions: ['beta'],
  },
  {
    name: "change the default method with the app's permissions",
    method: 'PATCH',
    path: auth(adele, 'signInPreferences'),
    body: { userPreferredMethodForSecondaryAuthentication: 'oath' },
    status: 403,
    versions: ['beta'],
  },
  // Writes as batch steps: bodies, dependsOn (all on one step, or a chain: Graph refuses other
  // shapes), a failed DELETE failing its dependant with 424
  {
    name: 'batch of recovery writes',
    method: 'POST',
    path: '/$batch',
    body: {
      requests: [
        { id: 'office', method: 'DELETE', url: auth(diego, `phoneMethods/${diegoOffice}`) },
        {
          id: 'default',
          method: 'DELETE',
          url: auth(diego, `phoneMethods/${diegoMobile}`),
          dependsOn: ['office'],
        },
        { id: 'methods', method: 'GET', url: auth(diego, 'methods'), dependsOn: ['default'] },
        {
          id: 'tap',
          method: 'POST',
          url: auth(adele, 'temporaryAccessPassMethods'),
          headers: json,
          body: {},
          dependsOn: ['office'],
        },
        {
          id: 'phone',
          method: 'POST',
          url: auth(grady, 'phoneMethods'),
          headers: json,
          body: { phoneNumber: '+1 3095550104', phoneType: 'mobile' },
          dependsOn: ['office'],
        },
        {
          id: 'revoke',
          method: 'POST',
          url: `/users/${adele.id}/revokeSignInSessions`,
          headers: json,
          body: {},
          dependsOn: ['office'],
        },
      ],
    },
    status: 200,
  },
];

// Protected-account reads: memberships (casts are advanced queries, so they run as batch steps
// carrying ConsistencyLevel) and role assignments.
const roleHolder = demoSeedUser('roleGroupMember');
const nestedMember = demoSeedUser('protectedGroupMember');
const memberOf = (user: { id: string }, rest = '') => `/users/${user.id}/transitiveMemberOf${rest}`;
const eventual = { ConsistencyLevel: 'eventual' };
const principalFilter = (id: string) => `$filter=principalId%20eq%20'${id}'`;
const ROLE_CASES: readonly ConformanceCase[] = [
  { name: 'memberships with a role through a group', method: 'GET', path: memberOf(roleHolder), status: 200 },
  { name: 'memberships, nested, paged', method: 'GET', path: memberOf(nestedMember, '?$top=1'), status: 200 },
  {
    name: 'memberships with $select',
    method: 'GET',
    path: memberOf(roleHolder, '?$select=id,displayName,isAssignableToRole,roleTemplateId'),
    status: 200,
  },
  {
    name: 'memberships as limited objects',
    method: 'GET',
    path: memberOf(roleHolder),
    caller: 'usersOnly',
    status: 200,
  },
  {
    name: 'memberships of an unknown user',
    method: 'GET',
    path: `/users/${nobody}/transitiveMemberOf`,
    status: 404,
  },
  {
    name: 'memberships, $top over 999',
    method: 'GET',
    path: memberOf(roleHolder, '?$top=1000'),
    status: 400,
  },
  {
    name: 'memberships cast without ConsistencyLevel',
    method: 'GET',
    path: memberOf(roleHolder, '/microsoft.graph.group'),
    status: 400,
  },
  {
    name: 'membership casts in a batch',
    method: 'POST',
    path: '/$batch',
    body: {
      requests: [
        {
          id: 'groups',
          method: 'GET',
          url: memberOf(roleHolder, '/microsoft.graph.group?$count=true'),
          headers: eventual,
        },
        {
          id: 'roles',
          method: 'GET',
          url: memberOf(roleHolder, '/microsoft.graph.directoryRole?$count=true'),
          headers: eventual,
        },
        {
          id: 'filtered',
          method: 'GET',
          url: memberOf(roleHolder, '?$count=true&$filter=isAssignableToRole%20eq%20true'),
          headers: eventual,
        },
      ],
    },
    status: 200,
  },
  {
    name: 'role assignments of a user',
    method: 'GET',
    path: `/roleManagement/directory/roleAssignments?${principalFilter(demoSeedUser('globalAdministrator').id)}`,
    status: 200,
  },
  {
    name: 'role assignments with the principal',
    method: 'GET',
    path: `/roleManagement/directory/roleAssignments?$expand=principal`,
    status: 200,
  },
  {
    name: 'role assignments without the permission',
    method: 'GET',
    path: '/roleManagement/directory/roleAssignments',
    caller: 'usersOnly',
    status: 403,
  },
];

// The sign-in log (lockout detection): events made relative to now, as the log keeps 30 days.
const someSignIns = (simulator: GraphSimulator) => {
  simulator.generateSignIns({ count: 12, users: [ordinary.id, guest.id], seed: 5 });
  simulator.addSignIns([
    {
      id: 'conformance-signin',
      userId: ordinary.id,
      status: { errorCode: 500121, additionalDetails: 'MFA denied; user declined the authentication' },
      authenticationDetails: [
        {
          authenticationMethod: 'Mobile app notification',
          authenticationStepDateTime: new Date().toISOString(),
          authenticationStepRequirement: 'Multifactor authentication',
          authenticationStepResultDetail: 'MFA denied; user declined the authentication',
          succeeded: false,
        },
      ],
      isInteractive: true,
    },
  ]);
};
const withoutP1 = (simulator: GraphSimulator) =>
  simulator.reset({ ...structuredClone(seed), licences: { p1: false, p2: false } });
const failures = `$filter=${encodeURIComponent('createdDateTime ge 2020-01-01T00:00:00Z and (status/errorCode eq 500121 or status/errorCode eq 50074)')}`;
const SIGN_IN_CASES: readonly ConformanceCase[] = [
  { name: 'sign-ins', method: 'GET', path: '/auditLogs/signIns', setup: someSignIns, status: 200 },
  {
    name: 'sign-ins, filtered, first page',
    method: 'GET',
    path: `/auditLogs/signIns?$top=2&${failures}`,
    setup: someSignIns,
    status: 200,
  },
  {
    name: 'sign-ins, the page a nextLink leads to',
    method: 'GET',
    path: '/auditLogs/signIns?$top=5',
    setup: someSignIns,
    followNextLink: true,
    status: 200,
  },
  { name: 'sign-ins, none', method: 'GET', path: '/auditLogs/signIns', status: 200 },
  {
    name: 'sign-in by id',
    method: 'GET',
    path: '/auditLogs/signIns/conformance-signin',
    setup: someSignIns,
    status: 200,
  },
  { name: 'unknown sign-in', method: 'GET', path: '/auditLogs/signIns/nope', status: 404 },
  { name: 'sign-ins, $top over 1000', method: 'GET', path: '/auditLogs/signIns?$top=1001', status: 400 },
  {
    name: 'sign-ins, a filter Graph refuses',
    method: 'GET',
    path: `/auditLogs/signIns?$filter=${encodeURIComponent('status/errorCode in (500121)')}`,
    status: 400,
  },
  {
    name: 'sign-ins without AuditLog.Read.All',
    method: 'GET',
    path: '/auditLogs/signIns',
    caller: 'usersOnly',
    status: 403,
  },
  {
    name: 'sign-ins in a tenant without P1',
    method: 'GET',
    path: '/auditLogs/signIns',
    setup: withoutP1,
    status: 403,
  },
];

const CASES: readonly ConformanceCase[] = [
  // GET /users/{user-id}
  { name: 'user by id', method: 'GET', path: `/users/${ordinary.id}`, status: 200 },
  {
    name: 'user by UPN with $select',
    method: 'GET',
    path: `/users/${ordinary.userPrincipalName}?$select=id,accountEnabled,userType,businessPhones,createdDateTime,otherMails`,
    status: 200,
  },
  {
    name: 'guest by encoded #EXT# UPN',
    method: 'GET',
    path: `/users/${guest.userPrincipalName.replaceAll('#', '%23')}`,
    status: 200,
  },
  { name: "$ user in ('…') form", method: 'GET', path: `/users('${dollar.userPrincipalName}')`, status: 200 },
  { name: '$ user in plain form', method: 'GET', path: `/users/${dollar.userPrincipalName}`, status: 400 },
  { name: 'unknown user', method: 'GET', path: `/users/${nobody}`, status: 404 },
  {
    name: 'unknown $select property',
    method: 'GET',
    path: `/users/${ordinary.id}?$select=nope`,
    status: 400,
  },
  {
    name: 'user without token',
    method: 'GET',
    path: `/users/${ordinary.id}`,
    caller: 'anonymous',
    status: 401,
  },
  {
    name: 'user throttled',
    method: 'GET',
    path: `/users/${ordinary.id}`,
    fault: { path: '/users/[^/]+$', status: 429, retryAfter: 1 },
    status: 429,
  },
  {
    name: 'user during an outage',
    method: 'GET',
    path: `/users/${ordinary.id}`,
    fault: { path: '/users/[^/]+$', status: 503 },
    status: 503,
  },
  // GET /users/{user-id}/authentication/methods: every seeded user, so every method type
  ...seed.users.map((user) => ({
    name: `methods of ${user.userPrincipalName}`,
    method: 'GET',
    path: methodsOf(user.id),
    status: 200,
  })),
  { name: 'methods of an unknown user', method: 'GET', path: methodsOf(nobody), status: 404 },
  {
    name: 'methods without the role',
    method: 'GET',
    path: methodsOf(ordinary.id),
    caller: 'usersOnly',
    status: 403,
  },
  { name: 'methods with an unsupported method', method: 'DELETE', path: methodsOf(ordinary.id), status: 405 },
  // Paths and methods Graph doesn't have: error bodies still follow the error schema
  { name: 'unknown segment', method: 'GET', path: '/usres/x', status: 400 },
  // POST /$batch
  {
    name: 'batch',
    method: 'POST',
    path: '/$batch',
    body: { requests: batchSteps },
    fault: { path: `/users/${guest.id}/authentication/methods$`, status: 429, retryAfter: 2 },
    status: 200,
  },
  {
    name: 'batch with a step the caller may not run',
    method: 'POST',
    path: '/$batch',
    body: { requests: batchSteps.slice(0, 2) },
    caller: 'usersOnly',
    status: 200,
  },
  {
    name: 'batch with duplicate ids',
    method: 'POST',
    path: '/$batch',
    body: { requests: [batchSteps[0], { ...batchSteps[1], id: 'USER' }] },
    status: 400,
  },
  {
    name: 'batch with too many steps',
    method: 'POST',
    path: '/$batch',
    body: { requests: Array.from({ length: 21 }, (_, i) => ({ ...batchSteps[0], id: String(i) })) },
    status: 400,
  },
  ...RECOVERY_CASES,
  ...ROLE_CASES,
  ...SIGN_IN_CASES,
];

interface Outcome {
  status: number;
  body: unknown;
  requestBody?: unknown;
}

const fixture = useGraphSimulator();
const validators = new Map<GraphVersion, OpenApiValidator>();
const outcomes = new Map<string, Outcome>();
const served: RequestLogEntry[] = [];
const caseKey = (version: GraphVersion, testCase: ConformanceCase) => `${version} ${testCase.name}`;
const casesFor = (version: GraphVersion) =>
  CASES.filter((testCase) => testCase.versions === undefined || testCase.versions.includes(version));

async function run(
  version: GraphVersion,
  testCase: ConformanceCase,
  tokens: Record<Caller, string | undefined>,
) {
  fixture.simulator.reset();
  if (testCase.fault !== undefined) fixture.simulator.injectFault(testCase.fault);
  testCase.setup?.(fixture.simulator);
  const bearer = tokens[testCase.caller ?? 'app'];
  const send = (url: string) =>
    fetch(url, {
      method: testCase.method,
      headers: {
        ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }),
        ...(testCase.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(testCase.body === undefined ? {} : { body: JSON.stringify(testCase.body) }),
    });
  let response = await send(`${fixture.simulator.url}/${version}${testCase.path}`);
  if (testCase.followNextLink === true) {
    const next = ((await response.json()) as { '@odata.nextLink'?: string })['@odata.nextLink'];
    if (next === undefined) throw new Error(`${testCase.name}: no @odata.nextLink to follow`);
    response = await send(next);
  }
  const text = await response.text();
  outcomes.set(caseKey(version, testCase), {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  });
  served.push(...fixture.simulator.requests());
  fixture.simulator.clearRequests();
  fixture.simulator.clearFaults();
}

beforeAll(async () => {
  const tokens: Record<Caller, string | undefined> = {
    app: fixture.token,
    usersOnly: fixture.identity.mintToken({ roles: ['User.Read.All'] }).accessToken,
    readWriteAll: fixture.identity.mintToken({ roles: ['UserAuthenticationMethod.ReadWrite.All'] })
      .accessToken,
    anonymous: undefined,
  };
  for (const version of VERSIONS) {
    validators.set(version, graphOpenApiValidator(version));
    for (const testCase of casesFor(version)) await run(version, testCase, tokens);
  }
});

const withoutQuery = (path: string) => path.split('?')[0] ?? path;

function validate(
  version: GraphVersion,
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const validator = validators.get(version);
  if (validator === undefined) throw new Error(`no validator for ${version}`);
  if (status >= 400 && validator.findOperation(method, withoutQuery(path)) === undefined) {
    // No operation to look up (405, unknown segment): the body must still be a Graph error.
    const outcome = validator.validateSchema('microsoft.graph.ODataErrors.ODataError', body);
    return outcome.errors.map((error) => `${method} ${path} → ${status} (ODataError): ${error}`);
  }
  if (validator.findOperation(method, withoutQuery(path)) === undefined) {
    // A documented operation outside the subsets (OUTSIDE_OPENAPI_SUBSET): its successes have no body.
    return body === undefined ? [] : [`${method} ${path} → ${status}: a body, and no operation to check it`];
  }
  const outcome = validator.validateResponse({ method, path: withoutQuery(path), status, body });
  return outcome.errors.map(
    (error) => `${method} ${path} → ${status} (${outcome.responseKey ?? '?'}): ${error}`,
  );
}

describe.each(VERSIONS)('Graph simulator responses conform to the %s OpenAPI subset', (version) => {
  it.each(casesFor(version))('$name', (testCase) => {
    const outcome = outcomes.get(caseKey(version, testCase));
    expect(outcome?.status).toBe(testCase.status);
    if (outcome === undefined || testCase.rawErrorBody === true) return;
    const errors = validate(version, testCase.method, testCase.path, outcome.status, outcome.body);
    if (testCase.path === '/$batch' && outcome.status === 200) {
      const steps = (testCase.body as { requests: BatchStep[] }).requests;
      const responses = (outcome.body as { responses: { id: string; status: number; body?: unknown }[] })
        .responses;
      expect(responses.map((response) => response.id).sort()).toEqual(steps.map((step) => step.id).sort());
      for (const response of responses) {
        const step = steps.find((candidate) => candidate.id === response.id);
        if (step !== undefined)
          errors.push(...validate(version, step.method, step.url, response.status, response.body));
      }
    }
    expect(errors).toEqual([]);
  });
});

describe('conformance coverage', () => {
  it('has a successful case, in each version, for every route the simulator serves', () => {
    const uncovered = fixture.simulator.routes
      .filter((route) => !isOutsideSubset(route))
      .filter(
        (route) =>
          !served.some(
            (entry) =>
              entry.route === `${route.method} ${route.template}` &&
              entry.path.startsWith(`/${route.version}/`) &&
              entry.status !== undefined &&
              entry.status >= 200 &&
              entry.status < 300,
          ),
      )
      .map((route) => `${route.version} ${route.method} ${route.template}`);
    expect(uncovered).toEqual([]);
  });

  it('serves only operations the OpenAPI subsets describe, unless listed as outside them', () => {
    const outside = fixture.simulator.routes
      .filter((route) => !route.inOpenApiSubset && !isOutsideSubset(route))
      .map((route) => `${route.version} ${route.method} ${route.template}`);
    expect(outside).toEqual([]);
  });
});
