import type { Client } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { streamSignIns } from '../../src/lib/detection/fetch-sign-ins';
import { watchRecoveries } from '../../src/lib/detection/post-recovery-watch';
import { createProtectedUsers } from '../../src/lib/detection/protected-users';
import { deleteMethod } from '../../src/lib/graph/delete-method';
import { GRAPH_CALLS, type GraphCall } from '../../src/lib/graph/graph-calls';
import type { RemovableMethodType } from '../../src/lib/graph/method-types';
import { getPerUserMfaState, setPerUserMfaState } from '../../src/lib/graph/per-user-mfa';
import { createPhoneMethod, enableSmsSignIn } from '../../src/lib/graph/phone';
import { revokeSignInSessions } from '../../src/lib/graph/sessions';
import { createTap, getTapPolicy } from '../../src/lib/graph/tap';
import { userPath } from '../../src/lib/graph/user-path';
import { getUser, listAuthenticationMethods } from '../../src/lib/graph/users';
import { resetMfa } from '../../src/lib/recovery/reset-mfa';
import { streamRegistrationDetails } from '../../src/lib/registration/registration-details';
import { appGraphClient } from '../support/app-graph-client';
import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { inventoryEntryOf, sentByApp, unlistedGraphCalls } from '../support/graph-calls-check';
import { useGraphSimulator } from '../support/graph-fixture';
import { check, guardDeps } from './guard-support';

// The other half of the inventory's check (the fixture's afterEach is the first): every call in
// src/lib/graph/graph-calls.ts is sent by the app's own code against the simulator here, so an
// entry no code path reaches, or a code path that stopped sending it, fails.

const fixture = useGraphSimulator({ resetAfterEach: true });

const CLIENT_REQUEST_ID = '0f6c2b1e-5a3d-4c7e-9b8a-2d1e3f4a5b6c';
const byId = (id: string) => ({ kind: 'id', id }) as const;

function seedUser(upn: string) {
  const user = demoSeed().users.find((candidate) => candidate.userPrincipalName === upn);
  if (user === undefined) throw new Error(`no demo user ${upn}`);
  return user;
}

const diego = demoSeedUser('everyMethodUser');
const ordinary = byId(demoSeedUser('ordinaryUser').id);
/** Only a password: a phone or a pass can be added. */
const lee = byId(seedUser('LeeG@contoso.onmicrosoft.com').id);

/** A demo user holding a method of `type` (Diego has all but QR code + PIN, which Patti has). */
function methodHolder(type: RemovableMethodType): { userId: string; methodId: string } {
  for (const user of [diego, seedUser('PattiF@contoso.onmicrosoft.com')]) {
    const method = user.authenticationMethods.find((candidate) => candidate.type === type);
    if (method) return { userId: user.id, methodId: method.id };
  }
  throw new Error(`no demo user holds a ${type} method`);
}

const deleteOf = (type: RemovableMethodType) => async (graph: Client) => {
  const { userId, methodId } = methodHolder(type);
  await deleteMethod(graph, userPath(byId(userId)), { id: methodId, type }, CLIENT_REQUEST_ID);
};

const guardLookUps = async () => {
  await check(guardDeps(fixture), diego.userPrincipalName);
};

/** What makes the app send each call; a failure Graph answers doesn't matter here, only that it was sent. */
const EXERCISES: Record<string, (graph: Client) => Promise<unknown>> = {
  'GET v1.0 /users/{user-id}': (graph) => getUser(graph, ordinary, CLIENT_REQUEST_ID),
  'GET beta /users/{user-id}/authentication/methods': (graph) =>
    listAuthenticationMethods(graph, ordinary, CLIENT_REQUEST_ID),
  'DELETE v1.0 /users/{user-id}/authentication/phoneMethods/{phoneAuthenticationMethod-id}':
    deleteOf('phone'),
  'DELETE v1.0 /users/{user-id}/authentication/emailMethods/{emailAuthenticationMethod-id}':
    deleteOf('email'),
  'DELETE v1.0 /users/{user-id}/authentication/microsoftAuthenticatorMethods/{microsoftAuthenticatorAuthenticationMethod-id}':
    deleteOf('microsoftAuthenticator'),
  'DELETE v1.0 /users/{user-id}/authentication/fido2Methods/{fido2AuthenticationMethod-id}':
    deleteOf('fido2'),
  'DELETE v1.0 /users/{user-id}/authentication/softwareOathMethods/{softwareOathAuthenticationMethod-id}':
    deleteOf('softwareOath'),
  'DELETE v1.0 /users/{user-id}/authentication/temporaryAccessPassMethods/{temporaryAccessPassAuthenticationMethod-id}':
    deleteOf('temporaryAccessPass'),
  'DELETE v1.0 /users/{user-id}/authentication/windowsHelloForBusinessMethods/{windowsHelloForBusinessAuthenticationMethod-id}':
    deleteOf('windowsHelloForBusiness'),
  'DELETE v1.0 /users/{user-id}/authentication/platformCredentialMethods/{platformCredentialAuthenticationMethod-id}':
    deleteOf('platformCredential'),
  'DELETE beta /users/{user-id}/authentication/hardwareOathMethods/{hardwareOathAuthenticationMethod-id}':
    deleteOf('hardwareOath'),
  'DELETE beta /users/{user-id}/authentication/qrCodePinMethod': deleteOf('qrCodePin'),
  'DELETE beta /users/{user-id}/authentication/passwordlessMicrosoftAuthenticatorMethods/{passwordlessMicrosoftAuthenticatorAuthenticationMethod-id}':
    deleteOf('passwordlessMicrosoftAuthenticator'),
  'POST v1.0 /users/{user-id}/authentication/phoneMethods': (graph) =>
    createPhoneMethod(
      graph,
      userPath(lee),
      { phoneNumber: '+1 4255550123', phoneType: 'mobile' },
      CLIENT_REQUEST_ID,
    ),
  'POST v1.0 /users/{user-id}/authentication/phoneMethods/{phoneAuthenticationMethod-id}/enableSmsSignIn':
    async (graph) => {
      const phone = await createPhoneMethod(
        graph,
        userPath(lee),
        { phoneNumber: '+1 4255550123', phoneType: 'mobile' },
        CLIENT_REQUEST_ID,
      );
      await enableSmsSignIn(graph, userPath(lee), phone.id, CLIENT_REQUEST_ID);
    },
  'GET v1.0 /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{authenticationMethodConfiguration-id}':
    (graph) => getTapPolicy(graph, CLIENT_REQUEST_ID),
  'POST v1.0 /users/{user-id}/authentication/temporaryAccessPassMethods': (graph) =>
    createTap(graph, userPath(lee), { lifetimeInMinutes: 60, isUsableOnce: false }, CLIENT_REQUEST_ID),
  'GET beta /users/{user-id}/authentication/requirements': (graph) =>
    getPerUserMfaState(graph, userPath(ordinary), CLIENT_REQUEST_ID),
  'PATCH beta /users/{user-id}/authentication/requirements': (graph) =>
    setPerUserMfaState(graph, userPath(ordinary), 'disabled', CLIENT_REQUEST_ID),
  'POST v1.0 /users/{user-id}/revokeSignInSessions': (graph) =>
    revokeSignInSessions(graph, userPath(ordinary), CLIENT_REQUEST_ID),
  'GET v1.0 /users/{user-id}/transitiveMemberOf': guardLookUps,
  'GET v1.0 /roleManagement/directory/roleEligibilityScheduleInstances': guardLookUps,
  'GET v1.0 /roleManagement/directory/roleAssignmentScheduleInstances': guardLookUps,
  'GET v1.0 /roleManagement/directory/roleAssignments': guardLookUps,
  'GET v1.0 /identityGovernance/privilegedAccess/group/eligibilityScheduleInstances': guardLookUps,
  'POST v1.0 /$batch': guardLookUps,
  'GET v1.0 /groups': async () => {
    const deps = guardDeps(fixture);
    await createProtectedUsers(deps.graph, { guard: deps.guard, graph: deps.graphConfig })([diego.id]);
  },
  'GET v1.0 /groups/{group-id}/transitiveMembers': async () => {
    const deps = guardDeps(fixture);
    await createProtectedUsers(deps.graph, { guard: deps.guard, graph: deps.graphConfig })([diego.id]);
  },
  'GET v1.0 /auditLogs/signIns': (graph) =>
    streamSignIns(
      graph,
      { start: new Date(Date.now() - 3_600_000), end: new Date(), errorCodes: [50074] },
      { origin: fixture.simulator.url, deadline: Date.now() + 10_000, onSignIn: () => undefined },
    ),
  'GET v1.0 /auditLogs/directoryAudits': async (graph) => {
    const time = new Date(Date.now() - 60_000).toISOString();
    const recovery = {
      id: 'a1',
      time,
      action: 'tap.issue',
      outcome: 'succeeded',
      targetId: diego.id,
    } as const;
    await watchRecoveries(
      {
        reportsGraph: graph,
        graphOrigin: fixture.simulator.url,
        lockouts: { get: () => Promise.resolve(undefined), put: () => Promise.resolve(undefined) },
        audit: {
          list: () =>
            Promise.resolve({
              entries: [{ ...recovery, caller: 'test', correlationId: 'c', graphRequestIds: [] }],
            }),
        },
        publish: () => Promise.resolve(),
        settings: { watchMs: 3_600_000, baselineMs: 86_400_000 },
      },
      { start: new Date(Date.now() - 3_600_000), end: new Date() },
      { deadline: Date.now() + 10_000, now: () => new Date() },
    );
  },
  'GET v1.0 /reports/authenticationMethods/userRegistrationDetails': (graph) =>
    streamRegistrationDetails(graph, {
      origin: fixture.simulator.url,
      deadline: Date.now() + 10_000,
      onPage: () => Promise.resolve(),
    }),
  'POST beta /$batch': async (graph) => {
    const path = userPath(byId(methodHolder('qrCodePin').userId));
    const listMethods = () =>
      listAuthenticationMethods(graph, byId(methodHolder('qrCodePin').userId), 'test');
    await resetMfa(
      {
        userPath: path,
        methods: await listMethods(),
        methodTypes: new Set(['qrCodePin'] as const),
        revokeSessions: false,
        dryRun: false,
      },
      { graph, clientRequestId: CLIENT_REQUEST_ID, listMethods },
    );
  },
};

const key = (call: GraphCall) => `${call.method} ${call.version} ${call.path}`;

describe('the Graph call inventory (src/lib/graph/graph-calls.ts)', () => {
  it('has a way to make the app send each call, and nothing else', () => {
    expect(Object.keys(EXERCISES).sort()).toEqual(GRAPH_CALLS.map(key).sort());
  });

  it.each(GRAPH_CALLS.map((call) => [key(call), call] as const))(
    'is sent by the app: %s',
    async (name, call) => {
      const exercise = EXERCISES[name];
      if (exercise === undefined) throw new Error(`no exercise for ${name}`);
      await exercise(appGraphClient(fixture)).catch(() => undefined);
      const sent = fixture.simulator
        .requests()
        .filter((entry) => sentByApp(entry) && inventoryEntryOf(entry) === call);
      expect(sent.length, `${name} was not sent`).toBeGreaterThan(0);
    },
  );

  it('flags a request the app sends that the inventory does not list', async () => {
    const graph = appGraphClient(fixture);
    const { userId } = methodHolder('phone');
    // The app never turns SMS sign-in off; the simulator serves it (Microsoft documents it).
    await graph
      .api(
        `/users/${userId}/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7/disableSmsSignIn`,
      )
      .post(undefined)
      .catch(() => undefined);
    expect(unlistedGraphCalls(fixture.simulator.requests())).toEqual([
      `POST /v1.0/users/${userId}/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7/disableSmsSignIn`,
    ]);
    // Gone before the fixture's own check, which would otherwise fail this test as intended.
    fixture.simulator.clearRequests();
  });
});
