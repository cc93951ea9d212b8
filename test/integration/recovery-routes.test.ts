// The HTTP routes' handlers in process, wired by the app's own composition root (getServices) to
// Azurite, the managed-identity endpoint and the Graph simulator over HTTPS. The e2e tests drive
// the same routes through a host in a child process; these run in the test worker, so the coverage
// gate sees the code they reach.

import { randomUUID } from 'node:crypto';

import type { HttpHandler } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { makeAddPhoneHandler } from '../../src/functions/add-phone';
import { makeDeleteMethodHandler } from '../../src/functions/delete-method';
import { makeGetLockoutHandler } from '../../src/functions/get-lockout';
import { makeIssueTapHandler } from '../../src/functions/issue-tap';
import { makeListAuditHandler } from '../../src/functions/list-audit';
import { makeListLockoutsHandler } from '../../src/functions/list-lockouts';
import { makeResetMfaHandler } from '../../src/functions/reset-mfa';
import { makeRestoreMfaHandler } from '../../src/functions/restore-mfa';
import { makeRevokeSessionsHandler } from '../../src/functions/revoke-sessions';
import { makeSuspendMfaHandler } from '../../src/functions/suspend-mfa';
import { makeUpdateLockoutHandler } from '../../src/functions/update-lockout';
import { MAX_BODY_BYTES } from '../../src/lib/http/json-body';
import { restoreDueSuspensions } from '../../src/lib/recovery/restore-due-suspensions';
import { getActionServices, getServices } from '../../src/lib/services';
import { useGraphSimulator } from '../support/graph-fixture';
import { type HandlerRequest, invokeHandler } from '../support/invoke-handler';
import { liveMethods, liveUser, users } from '../support/recovery-seed';
import { useServiceSettings } from '../support/service-settings';
import { useAzurite } from './storage/azurite-fixture';

const graph = useGraphSimulator({ resetAfterEach: true });
const storage = useAzurite();

useServiceSettings(graph, storage, () => ({ BREAK_GLASS_OBJECT_IDS: users.breakGlass.id }));

const VERIFIED = {
  ticket: 'INC0012345',
  verification: { method: 'video_call', reference: 'Teams call, badge shown' },
};

/** A route's request in process; a body gets a fresh Idempotency-Key unless `noKey`. */
const invoke = (handler: HttpHandler, { noKey, ...init }: HandlerRequest & { noKey?: boolean }) =>
  invokeHandler(handler, {
    ...init,
    headers: {
      ...((init.body !== undefined || init.rawBody !== undefined) && noKey !== true
        ? { 'idempotency-key': randomUUID() }
        : {}),
      ...init.headers,
    },
  });

const reset = makeResetMfaHandler(getActionServices);
const graphWrites = () =>
  graph.simulator
    .requests()
    .filter((request) => request.method !== 'GET' && !request.path.endsWith('$batch'));
const typesOf = (methods: { type: string }[]) => methods.map((method) => method.type).sort();

describe('the mutating routes read their request before anything else', () => {
  const adele = { user: users.adele.userPrincipalName };

  it('needs an Idempotency-Key of 16–128 safe characters', async () => {
    const missing = await invoke(reset, { method: 'POST', params: adele, body: VERIFIED, noKey: true });
    expect([missing.status, missing.body.code]).toEqual([400, 'idempotency_key_required']);
    const short = await invoke(reset, {
      method: 'POST',
      params: adele,
      body: VERIFIED,
      headers: { 'idempotency-key': 'too-short' },
    });
    expect([short.status, short.body.code]).toEqual([400, 'invalid_request']);
    expect((short.body.errors as { path: string }[]).map((error) => error.path)).toEqual([
      'header.idempotency-key',
    ]);
    expect(graph.simulator.requests()).toHaveLength(0);
  });

  it('refuses a body that is not JSON, too large, or malformed, before Graph is called', async () => {
    const textPlain = await invoke(reset, {
      method: 'POST',
      params: adele,
      rawBody: JSON.stringify(VERIFIED),
      headers: { 'content-type': 'text/plain' },
    });
    expect([textPlain.status, textPlain.body.code]).toEqual([415, 'unsupported_media_type']);
    const large = await invoke(reset, {
      method: 'POST',
      params: adele,
      body: { ...VERIFIED, reason: 'x'.repeat(MAX_BODY_BYTES) },
    });
    expect([large.status, large.body.code]).toEqual([413, 'payload_too_large']);
    const malformed = await invoke(reset, { method: 'POST', params: adele, rawBody: '{"ticket":' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'invalid_request']);
    expect(malformed.body.errors).toEqual([{ path: 'body', message: 'is not valid JSON' }]);
    const vendorJson = await invoke(reset, {
      method: 'POST',
      params: adele,
      body: { ...VERIFIED, dryRun: true },
      headers: { 'content-type': 'application/merge-patch+json; charset=utf-8' },
    });
    expect(vendorJson.status).toBe(200);
    expect(graphWrites()).toHaveLength(0);
  });
});

describe('POST /users/{user}/mfa/reset (in process)', () => {
  it('plans the removal of every seeded method but the password in dry-run mode', async () => {
    const answer = await invoke(reset, {
      method: 'POST',
      params: { user: users.adele.userPrincipalName },
      body: { ...VERIFIED, dryRun: true },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe('planned');
    const seeded = users.adele.authenticationMethods.filter((method) => method.type !== 'password');
    expect((answer.body.planned as { id: string }[]).map((method) => method.id).sort()).toEqual(
      seeded.map((method) => method.id).sort(),
    );
    expect(graphWrites()).toHaveLength(0);
  });

  it('refuses the Global Administrator, audits the refusal, and lists it under GET /audit', async () => {
    const answer = await invoke(reset, {
      method: 'POST',
      params: { user: users.megan.id },
      body: { ...VERIFIED, ticket: 'INC-REFUSED-MEGAN' },
    });
    expect([answer.status, answer.body.code]).toEqual([403, 'protected_account']);
    expect(graphWrites()).toHaveLength(0);
    const audit = await invoke(makeListAuditHandler(getServices), {
      method: 'GET',
      query: { outcome: 'refused', action: 'mfa.reset' },
    });
    expect(audit.status).toBe(200);
    const entries = audit.body.entries as { ticket: string; code: string; targetId: string }[];
    expect(entries.find((entry) => entry.ticket === 'INC-REFUSED-MEGAN')).toMatchObject({
      code: 'protected_account',
      targetId: users.megan.id,
    });
  });

  it('refuses the break-glass account by object id', async () => {
    const answer = await invoke(reset, {
      method: 'POST',
      params: { user: users.breakGlass.userPrincipalName },
      body: VERIFIED,
    });
    expect([answer.status, answer.body.code]).toEqual([403, 'break_glass_account']);
    expect(graphWrites()).toHaveLength(0);
  });
});

describe('DELETE /users/{user}/methods/{methodId} (in process)', () => {
  const remove = makeDeleteMethodHandler(getActionServices);
  const adele = users.adele;
  const idOf = (type: string) => adele.authenticationMethods.find((method) => method.type === type)?.id ?? '';

  it('deletes the FIDO2 key through its own path and leaves every other seeded method', async () => {
    const answer = await invoke(remove, {
      method: 'DELETE',
      params: { user: adele.userPrincipalName, methodId: idOf('fido2').toUpperCase() },
      body: VERIFIED,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.removed).toEqual({ id: idOf('fido2'), type: 'fido2' });
    expect(graphWrites().map((request) => `${request.method} ${request.path}`)).toEqual([
      `DELETE /v1.0/users/${adele.id}/authentication/fido2Methods/${idOf('fido2')}`,
    ]);
    expect(typesOf(liveMethods(graph, adele))).toEqual(
      typesOf(adele.authenticationMethods.filter((method) => method.type !== 'fido2')),
    );
  });

  it('takes a method Graph no longer has (404) as removed, and reports Graph refusing the delete (403)', async () => {
    graph.simulator.injectFault({ method: 'DELETE', path: '/fido2Methods/', status: 404, count: 1 });
    const gone = await invoke(remove, {
      method: 'DELETE',
      params: { user: adele.id, methodId: idOf('fido2') },
      body: VERIFIED,
    });
    expect(gone.status).toBe(200);
    expect(gone.body.removed).toEqual({ id: idOf('fido2'), type: 'fido2' });
    graph.simulator.injectFault({ method: 'DELETE', path: '/emailMethods/', status: 403, count: 1 });
    const refused = await invoke(remove, {
      method: 'DELETE',
      params: { user: adele.id, methodId: idOf('email') },
      body: VERIFIED,
    });
    expect([refused.status, refused.body.code]).toEqual([502, 'graph_permission_denied']);
    expect(liveMethods(graph, adele).map((method) => method.id)).toContain(idOf('email'));
  });

  it('refuses the password (409) and an id the user does not have (404)', async () => {
    const password = await invoke(remove, {
      method: 'DELETE',
      params: { user: adele.id, methodId: idOf('password') },
      body: VERIFIED,
    });
    expect([password.status, password.body.code]).toEqual([409, 'method_not_removable']);
    const unknown = await invoke(remove, {
      method: 'DELETE',
      params: { user: adele.id, methodId: randomUUID() },
      body: VERIFIED,
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'method_not_found']);
    expect(graphWrites()).toHaveLength(0);
  });
});

describe('POST /users/{user}/tap (in process)', () => {
  it('creates one usable-once pass of the asked lifetime, answered once with no-store', async () => {
    const tap = makeIssueTapHandler(getActionServices);
    const key = randomUUID();
    const request = {
      method: 'POST',
      params: { user: users.adele.userPrincipalName },
      body: { ...VERIFIED, lifetimeMinutes: 60 },
      headers: { 'idempotency-key': key },
    };
    const first = await invoke(tap, request);
    expect(first.status).toBe(201);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: true });
    expect(typeof first.body.temporaryAccessPass).toBe('string');
    const created = liveMethods(graph, users.adele).filter(
      (method) => method.type === 'temporaryAccessPass' && method.id === first.body.methodId,
    );
    expect(created).toHaveLength(1);
    const replay = await invoke(tap, request);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toMatchObject({ temporaryAccessPass: null, methodId: first.body.methodId });
  });
});

describe('POST /users/{user}/methods/phone (in process)', () => {
  const addPhone = makeAddPhoneHandler(getActionServices);

  const adele = users.adele;

  it('adds a mobile phone to a user without one and enables SMS sign-in on it', async () => {
    // Adele (in the SMS sign-in policy's group) without her seeded mobile phone.
    const tenant = graph.simulator.state();
    graph.simulator.reset({
      ...tenant,
      users: tenant.users.map((user) =>
        user.id === adele.id
          ? {
              ...user,
              authenticationMethods: user.authenticationMethods.filter(
                (method) => !(method.type === 'phone' && method.phoneType === 'mobile'),
              ),
            }
          : user,
      ),
    });
    const answer = await invoke(addPhone, {
      method: 'POST',
      params: { user: adele.userPrincipalName },
      body: { ...VERIFIED, phoneNumber: '+14255550123', phoneType: 'mobile', smsSignIn: true },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.smsSignIn).toEqual({ requested: true, enabled: true, state: 'ready' });
    const method = answer.body.method as { id: string; phoneType: string; phoneNumber: string };
    expect(method.phoneType).toBe('mobile');
    expect(method.phoneNumber).toMatch(/0123$/);
    expect(method.phoneNumber).not.toContain('555');
    const phones = liveMethods(graph, adele).filter((live) => live.type === 'phone');
    expect(phones).toContainEqual(
      expect.objectContaining({ id: method.id, phoneType: 'mobile', smsSignInState: 'ready' }),
    );
  });

  it('adds an alternate mobile without SMS sign-in when none is asked for', async () => {
    const answer = await invoke(addPhone, {
      method: 'POST',
      params: { user: adele.id },
      body: { ...VERIFIED, phoneNumber: '+14255550124', phoneType: 'alternateMobile' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.smsSignIn).toMatchObject({ requested: false, enabled: false });
    expect(graphWrites().map((request) => request.method)).toEqual(['POST']);
  });

  it('refuses a second mobile phone with method_exists and a non-E.164 number with 400', async () => {
    const exists = await invoke(addPhone, {
      method: 'POST',
      params: { user: adele.userPrincipalName },
      body: { ...VERIFIED, phoneNumber: '+14255550123', phoneType: 'mobile' },
    });
    expect([exists.status, exists.body.code]).toEqual([409, 'method_exists']);
    const invalid = await invoke(addPhone, {
      method: 'POST',
      params: { user: adele.userPrincipalName },
      body: { ...VERIFIED, phoneNumber: '425-555-0123', phoneType: 'alternateMobile' },
    });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'invalid_request']);
    expect(graphWrites()).toHaveLength(0);
  });
});

describe('POST /users/{user}/sessions/revoke (in process)', () => {
  it('revokes the user’s sessions with one Graph call', async () => {
    const answer = await invoke(makeRevokeSessionsHandler(getActionServices), {
      method: 'POST',
      params: { user: users.adele.id },
      body: VERIFIED,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      user: { id: users.adele.id, userPrincipalName: users.adele.userPrincipalName },
      sessionsRevoked: true,
    });
    expect(graphWrites().map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST /v1.0/users/${users.adele.id}/revokeSignInSessions`,
    ]);
  });
});

describe('per-user MFA suspension (in process)', () => {
  const suspend = makeSuspendMfaHandler(getActionServices);
  const restore = makeRestoreMfaHandler(getActionServices);
  const patti = users.patti;
  // Graph: a user whose per-user MFA is set to enabled and who has an MFA method registered is
  // enforced at once (Patti has several), so "restored" reads back as enforced.
  const RESTORED_STATE = 'enforced';

  it('suspends per-user MFA, extends it, restores the stored state now, then has nothing to restore', async () => {
    expect(patti.perUserMfaState).toBe('enabled');
    const first = await invoke(suspend, {
      method: 'POST',
      params: { user: patti.userPrincipalName },
      body: { ...VERIFIED, minutes: 30 },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      perUserMfaState: 'disabled',
      previousState: 'enabled',
      extended: false,
    });
    expect(first.body.warnings).toEqual([]);
    expect(liveUser(graph, patti).perUserMfaState).toBe('disabled');
    const again = await invoke(suspend, {
      method: 'POST',
      params: { user: patti.userPrincipalName },
      body: { ...VERIFIED, minutes: 60 },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ previousState: 'enabled', extended: true });
    expect(Date.parse(again.body.endsAt as string)).toBeGreaterThan(Date.parse(first.body.endsAt as string));
    const tooLong = await invoke(suspend, {
      method: 'POST',
      params: { user: patti.userPrincipalName },
      body: { ...VERIFIED, minutes: 241 },
    });
    expect([tooLong.status, tooLong.body.code]).toEqual([400, 'invalid_request']);

    const restored = await invoke(restore, {
      method: 'DELETE',
      params: { user: patti.userPrincipalName },
      body: VERIFIED,
    });
    expect(restored.status).toBe(200);
    expect(restored.body.perUserMfaState).toBe('enabled');
    expect(liveUser(graph, patti).perUserMfaState).toBe(RESTORED_STATE);
    const none = await invoke(restore, {
      method: 'DELETE',
      params: { user: patti.userPrincipalName },
      body: VERIFIED,
    });
    expect([none.status, none.body.code]).toEqual([404, 'suspension_not_found']);
  });

  it('warns when per-user MFA was already off', async () => {
    const adele = users.adele;
    expect(adele.perUserMfaState ?? 'disabled').toBe('disabled');
    const answer = await invoke(suspend, {
      method: 'POST',
      params: { user: adele.id },
      body: { ...VERIFIED, minutes: 5 },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.previousState).toBe('disabled');
    expect(answer.body.warnings).toEqual([expect.stringMatching(/already disabled/)]);
    await invoke(restore, { method: 'DELETE', params: { user: adele.id }, body: VERIFIED });
  });

  it('the restore timer puts back every ended suspension, keeps a failed one for the next run, and alerts when late', async () => {
    const warnings: string[] = [];
    const services = { ...getServices(), log: { warn: (message: string) => warnings.push(message) } };
    const suspended = await invoke(suspend, {
      method: 'POST',
      params: { user: patti.id },
      body: { ...VERIFIED, minutes: 5 },
    });
    expect(suspended.status).toBe(201);
    const endsAt = Date.parse(suspended.body.endsAt as string);

    expect(await restoreDueSuspensions({ ...services, now: () => new Date(endsAt - 1000) })).toEqual({
      due: 0,
      restored: 0,
      failed: 0,
      overdue: 0,
    });
    graph.simulator.injectFault({ method: 'PATCH', path: '/requirements', status: 403, count: 1 });
    const failedRun = await restoreDueSuspensions({ ...services, now: () => new Date(endsAt + 1000) });
    expect(failedRun).toEqual({ due: 1, restored: 0, failed: 1, overdue: 0 });
    expect(warnings).toEqual([expect.stringContaining(patti.id)]);
    expect(liveUser(graph, patti).perUserMfaState).toBe('disabled');

    // Fifteen minutes late: the timer did not run, which security operations must hear about.
    const lateRun = await restoreDueSuspensions({ ...services, now: () => new Date(endsAt + 15 * 60_000) });
    expect(lateRun).toEqual({ due: 1, restored: 1, failed: 0, overdue: 1 });
    expect(liveUser(graph, patti).perUserMfaState).toBe(RESTORED_STATE);
    const audit = await services.audit.list({ action: 'mfa.restore', userId: patti.id });
    const timerEntries = audit.entries.filter((entry) => entry.caller === 'timer:restoreSuspendedMfa');
    expect(timerEntries.map((entry) => entry.outcome)).toEqual(['succeeded', 'failed']);
  });
});

describe('the lockout routes (in process)', () => {
  it('list no flag before detection has run, and answer lockout_not_found for one user', async () => {
    const list = await invoke(makeListLockoutsHandler(getServices), {
      method: 'GET',
      query: { limit: '10' },
    });
    expect(list.status).toBe(200);
    expect(list.body.lockouts).toEqual([]);
    const one = await invoke(makeGetLockoutHandler(getServices), {
      method: 'GET',
      params: { user: users.adele.userPrincipalName },
    });
    expect([one.status, one.body.code]).toEqual([404, 'lockout_not_found']);
    const update = await invoke(makeUpdateLockoutHandler(getActionServices), {
      method: 'PATCH',
      params: { user: users.adele.id },
      body: { status: 'resolved', ticket: 'INC0012345' },
    });
    expect([update.status, update.body.code]).toEqual([404, 'lockout_not_found']);
  });
});
