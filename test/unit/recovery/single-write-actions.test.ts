import { afterEach, describe, expect, it, vi } from 'vitest';

import { deleteUserMethod } from '../../../src/lib/recovery/delete-method-action';
import { restoreUserMfaNow } from '../../../src/lib/recovery/restore-action';
import { revokeUserSessions } from '../../../src/lib/recovery/revoke-action';
import {
  assertWithinBound,
  type SuspendMfaInput,
  suspendUserMfa,
} from '../../../src/lib/recovery/suspend-action';
import type { NewSuspension, Suspension, SuspensionStore } from '../../../src/lib/storage/suspensions';
import { actionFakes, actionRequest, CORRELATION_ID, TARGET } from '../../support/action-fakes';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

const NOW = new Date('2026-03-02T12:00:00.000Z');
const minutesFromNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const USER = { id: TARGET.id, userPrincipalName: TARGET.userPrincipalName };

/** Graph answering every request with `answer`; GETs of the per-user MFA state with `state`. */
function graphAnswering(answer: (request: SentRequest) => Response, state = 'enforced') {
  return stubGraph((request) =>
    Promise.resolve(
      request.method === 'GET' && request.url.endsWith('/authentication/requirements')
        ? json(200, { perUserMfaState: state })
        : answer(request),
    ),
  );
}
const noContent = () => new Response(null, { status: 204 });
const unavailable = () =>
  json(500, { error: { code: 'generalException', message: 'down' } }, { 'request-id': 'req-500' });
const writes = (sent: SentRequest[]) => sent.filter((request) => request.method !== 'GET');

/** Suspensions as the table holds them: one row per user. */
function memorySuspensions(rows: Suspension[] = []) {
  const byUser = new Map(rows.map((row) => [row.userId, row]));
  const updates: Suspension[] = [];
  const store: SuspensionStore = {
    get: (userId) => Promise.resolve(byUser.get(userId)),
    create: (row: NewSuspension) => {
      const created = { ...row, etag: 'e1' };
      byUser.set(row.userId, created);
      return Promise.resolve(created);
    },
    update: (row) => {
      updates.push(row);
      byUser.set(row.userId, row);
      return Promise.resolve(row);
    },
    listDue: () => Promise.resolve([]),
  };
  return { store, byUser, updates };
}

const suspension = (changes: Partial<Suspension> = {}): Suspension => ({
  userId: TARGET.id,
  userPrincipalName: TARGET.userPrincipalName,
  previousState: 'enforced',
  suspendedAt: minutesFromNow(-30),
  endsAt: minutesFromNow(30),
  ticket: 'INC0',
  correlationId: 'c0',
  status: 'active',
  restoreAttempts: 0,
  etag: 'e0',
  ...changes,
});

describe('assertWithinBound', () => {
  it('accepts the bound itself and refuses a minute more, naming the setting', () => {
    expect(() => assertWithinBound(240, 240)).not.toThrow();
    const message = 'must be at most 240 (MFA_SUSPEND_MAX_MINUTES)';
    expect(() => assertWithinBound(241, 240)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        detail: `minutes ${message}.`,
        options: { errors: [{ path: 'body.minutes', message }] },
      }) as Error,
    );
  });
});

describe('suspendUserMfa', () => {
  const suspendRequest = (minutes: number) =>
    actionRequest<SuspendMfaInput>({ action: 'mfa.suspend', input: { minutes } });

  function setUp(
    answer: (request: SentRequest) => Response,
    options: { state?: string; rows?: Suspension[] } = {},
  ) {
    const stub = graphAnswering(answer, options.state);
    const fakes = actionFakes({ graph: stub.graph });
    const suspensions = memorySuspensions(options.rows);
    return {
      ...fakes,
      stub,
      suspensions,
      deps: { ...fakes.deps, suspensions: suspensions.store, now: () => NOW },
    };
  }

  it('stores the previous state, then turns per-user MFA off for the minutes asked', async () => {
    const setup = setUp(noContent);
    const response = await suspendUserMfa(setup.deps, suspendRequest(30));
    expect(setup.stub.sent.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${setup.stub.origin}/beta/users/${TARGET.id}/authentication/requirements`,
      `PATCH ${setup.stub.origin}/beta/users/${TARGET.id}/authentication/requirements`,
    ]);
    expect(setup.stub.sent[1]?.body).toEqual({ perUserMfaState: 'disabled' });
    expect(setup.suspensions.byUser.get(TARGET.id)).toEqual({
      userId: TARGET.id,
      userPrincipalName: TARGET.userPrincipalName,
      previousState: 'enforced',
      suspendedAt: NOW.toISOString(),
      endsAt: minutesFromNow(30),
      ticket: 'INC1',
      correlationId: CORRELATION_ID,
      status: 'active',
      restoreAttempts: 0,
      etag: 'e1',
    });
    expect(response).toEqual({
      status: 201,
      headers: {},
      body: {
        user: USER,
        perUserMfaState: 'disabled',
        previousState: 'enforced',
        suspendedAt: NOW.toISOString(),
        endsAt: minutesFromNow(30),
        extended: false,
        warnings: [],
      },
    });
    expect(setup.completed).toEqual([
      {
        outcome: 'succeeded',
        graphRequestIds: ['guard-1'],
        summary: { previousState: 'enforced', endsAt: minutesFromNow(30), extended: false },
      },
    ]);
  });

  it('warns that Conditional Access still applies when per-user MFA was already off', async () => {
    const setup = setUp(noContent, { state: 'disabled' });
    const response = await suspendUserMfa(setup.deps, suspendRequest(30));
    expect(response.body).toMatchObject({
      previousState: 'disabled',
      warnings: [
        'Per-user MFA was already disabled for this user; Conditional Access policies that require MFA still apply.',
      ],
    });
  });

  it('extends an active suspension without touching Graph, up to the bound from its start', async () => {
    // Started 200 minutes ago; the default bound (240) ends it 40 minutes from now at the latest.
    const active = suspension({
      suspendedAt: minutesFromNow(-200),
      endsAt: minutesFromNow(10),
      previousState: 'enabled',
    });
    const setup = setUp(noContent, { rows: [active] });
    const response = await suspendUserMfa(setup.deps, suspendRequest(120));
    expect(setup.stub.sent).toEqual([]);
    expect(setup.suspensions.updates).toEqual([{ ...active, endsAt: minutesFromNow(40) }]);
    expect(response).toMatchObject({
      status: 200,
      body: {
        previousState: 'enabled',
        suspendedAt: minutesFromNow(-200),
        endsAt: minutesFromNow(40),
        extended: true,
      },
    });
    expect(setup.completed[0]?.summary).toEqual({
      previousState: 'enabled',
      endsAt: minutesFromNow(40),
      extended: true,
    });
  });

  it('extends within the bound to now plus the minutes asked', async () => {
    const active = suspension({ suspendedAt: minutesFromNow(-10), endsAt: minutesFromNow(5) });
    const setup = setUp(noContent, { rows: [active] });
    await suspendUserMfa(setup.deps, suspendRequest(60));
    expect(setup.suspensions.updates[0]?.endsAt).toBe(minutesFromNow(60));
  });

  it('never shortens an active suspension', async () => {
    const active = suspension({ endsAt: minutesFromNow(60) });
    const setup = setUp(noContent, { rows: [active] });
    const response = await suspendUserMfa(setup.deps, suspendRequest(10));
    expect(setup.suspensions.updates).toEqual([active]);
    expect(response.body).toMatchObject({ endsAt: minutesFromNow(60), extended: true });
  });

  it('starts a new suspension when the last one was restored', async () => {
    const setup = setUp(noContent, { rows: [suspension({ status: 'restored', previousState: 'enabled' })] });
    const response = await suspendUserMfa(setup.deps, suspendRequest(15));
    expect(response).toMatchObject({ status: 201, body: { previousState: 'enforced', extended: false } });
    expect(writes(setup.stub.sent)).toHaveLength(1);
  });

  it('closes the row when Graph refuses the change, so the timer has nothing to undo', async () => {
    const setup = setUp(unavailable);
    await expect(suspendUserMfa(setup.deps, suspendRequest(30))).rejects.toMatchObject({
      code: 'graph_unavailable',
    });
    expect(setup.suspensions.byUser.get(TARGET.id)).toMatchObject({
      status: 'restored',
      restoredAt: NOW.toISOString(),
      previousState: 'enforced',
    });
    expect(setup.completed.map((result) => result.outcome)).toEqual(['failed']);
  });

  it('refuses minutes past the bound before the guard runs', async () => {
    const setup = setUp(noContent);
    await expect(suspendUserMfa(setup.deps, suspendRequest(241))).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(setup.steps).toEqual([]);
  });

  it('uses the bound configured in MFA_SUSPEND_MAX_MINUTES', async () => {
    const stub = graphAnswering(noContent);
    const fakes = actionFakes({ graph: stub.graph, settings: { MFA_SUSPEND_MAX_MINUTES: '20' } });
    const deps = { ...fakes.deps, suspensions: memorySuspensions().store, now: () => NOW };
    await expect(suspendUserMfa(deps, suspendRequest(21))).rejects.toMatchObject({
      detail: 'minutes must be at most 20 (MFA_SUSPEND_MAX_MINUTES).',
    });
  });

  it('reads the clock when none is given', async () => {
    const stub = graphAnswering(noContent);
    const fakes = actionFakes({ graph: stub.graph });
    const suspensions = memorySuspensions();
    const before = Date.now();
    await suspendUserMfa({ ...fakes.deps, suspensions: suspensions.store }, suspendRequest(30));
    const row = suspensions.byUser.get(TARGET.id);
    const startedAt = new Date(row?.suspendedAt ?? 0).getTime();
    expect(startedAt).toBeGreaterThanOrEqual(before);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
    expect(new Date(row?.endsAt ?? 0).getTime() - startedAt).toBe(30 * 60_000);
  });
});

describe('restoreUserMfaNow', () => {
  function setUp(answer: (request: SentRequest) => Response, rows: Suspension[]) {
    const stub = graphAnswering(answer);
    const fakes = actionFakes({ graph: stub.graph });
    const suspensions = memorySuspensions(rows);
    return {
      ...fakes,
      stub,
      suspensions,
      deps: { ...fakes.deps, suspensions: suspensions.store, now: () => NOW },
    };
  }

  it('puts the stored state back and closes the suspension', async () => {
    const setup = setUp(noContent, [suspension({ previousState: 'enabled', restoreAttempts: 1 })]);
    const response = await restoreUserMfaNow(setup.deps, actionRequest({ action: 'mfa.restore' }));
    expect(writes(setup.stub.sent)).toMatchObject([
      {
        method: 'PATCH',
        url: `${setup.stub.origin}/beta/users/${TARGET.id}/authentication/requirements`,
        body: { perUserMfaState: 'enabled' },
      },
    ]);
    expect(setup.suspensions.byUser.get(TARGET.id)).toMatchObject({
      status: 'restored',
      restoredAt: NOW.toISOString(),
      restoreAttempts: 2,
    });
    expect(response).toEqual({
      status: 200,
      headers: {},
      body: { user: USER, perUserMfaState: 'enabled', restoredAt: NOW.toISOString() },
    });
    expect(setup.completed[0]).toEqual({
      outcome: 'succeeded',
      graphRequestIds: ['guard-1'],
      summary: { restoredState: 'enabled' },
    });
  });

  it('answers suspension_not_found when none is active, without touching Graph', async () => {
    for (const rows of [[], [suspension({ status: 'restored' })]]) {
      const setup = setUp(noContent, rows);
      await expect(
        restoreUserMfaNow(setup.deps, actionRequest({ action: 'mfa.restore' })),
      ).rejects.toMatchObject({
        code: 'suspension_not_found',
        detail: 'Per-user MFA is not suspended for this user.',
      });
      expect(setup.stub.sent).toEqual([]);
    }
  });

  it('keeps the suspension active with the attempt and Graph’s request-id when Graph refuses', async () => {
    const setup = setUp(unavailable, [suspension()]);
    await expect(
      restoreUserMfaNow(setup.deps, actionRequest({ action: 'mfa.restore' })),
    ).rejects.toMatchObject({
      code: 'graph_unavailable',
    });
    expect(setup.suspensions.byUser.get(TARGET.id)).toMatchObject({
      status: 'active',
      restoreAttempts: 1,
      lastError: 'graph_unavailable req-500',
    });
  });

  it('records the code alone when Graph gave no request-id', async () => {
    const setup = setUp(() => new Response('bad gateway', { status: 502 }), [suspension()]);
    await expect(
      restoreUserMfaNow(setup.deps, actionRequest({ action: 'mfa.restore' })),
    ).rejects.toBeDefined();
    expect(setup.suspensions.byUser.get(TARGET.id)?.lastError).toBe('graph_unavailable');
  });
});

describe('revokeUserSessions', () => {
  it('revokes the user’s sessions by object id and says so', async () => {
    const stub = graphAnswering(() => json(200, { value: true }));
    const fakes = actionFakes({ graph: stub.graph });
    const response = await revokeUserSessions(fakes.deps, actionRequest({ action: 'sessions.revoke' }));
    expect(stub.sent).toMatchObject([
      { method: 'POST', url: `${stub.origin}/v1.0/users/${TARGET.id}/revokeSignInSessions` },
    ]);
    expect(response).toEqual({ status: 200, headers: {}, body: { user: USER, sessionsRevoked: true } });
    expect(fakes.completed).toEqual([{ outcome: 'succeeded', graphRequestIds: ['guard-1'] }]);
    expect(fakes.stored).toHaveLength(1);
  });

  it('fails, and keeps nothing for replay, when Graph does not revoke', async () => {
    const stub = graphAnswering(unavailable);
    const fakes = actionFakes({ graph: stub.graph });
    await expect(
      revokeUserSessions(fakes.deps, actionRequest({ action: 'sessions.revoke' })),
    ).rejects.toMatchObject({
      code: 'graph_unavailable',
    });
    expect(fakes.stored).toEqual([]);
  });
});

describe('deleteUserMethod', () => {
  const OATH_ID = 'b172893e-893e-b172-3e89-72b13e8972b1';
  const METHODS = [
    {
      '@odata.type': '#microsoft.graph.passwordAuthenticationMethod',
      id: '28c10230-6103-485e-b985-444c60001490',
    },
    { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod', id: OATH_ID },
    { '@odata.type': '#microsoft.graph.someFutureAuthenticationMethod', id: 'f00' },
  ];
  function setUp(deleteAnswer: () => Response = noContent) {
    const stub = stubGraph((request) =>
      Promise.resolve(request.method === 'GET' ? json(200, { value: METHODS }) : deleteAnswer()),
    );
    return { ...actionFakes({ graph: stub.graph }), stub };
  }
  const deleteRequest = (methodId: string) => ({ ...actionRequest({ action: 'method.delete' }), methodId });

  it('deletes the method through its type’s path, matching the id whatever its case', async () => {
    const setup = setUp();
    const response = await deleteUserMethod(setup.deps, deleteRequest(OATH_ID.toUpperCase()));
    expect(writes(setup.stub.sent)).toMatchObject([
      {
        method: 'DELETE',
        url: `${setup.stub.origin}/v1.0/users/${TARGET.id}/authentication/softwareOathMethods/${OATH_ID}`,
      },
    ]);
    expect(response).toEqual({
      status: 200,
      headers: {},
      body: { user: USER, removed: { id: OATH_ID, type: 'softwareOath' } },
    });
    expect(setup.completed).toEqual([
      {
        outcome: 'succeeded',
        graphRequestIds: ['guard-1'],
        summary: { methodId: OATH_ID, type: 'softwareOath' },
      },
    ]);
  });

  it('answers method_not_found for an id the user does not have', async () => {
    const setup = setUp();
    await expect(deleteUserMethod(setup.deps, deleteRequest('nope'))).rejects.toMatchObject({
      code: 'method_not_found',
      detail: 'The user has no authentication method nope.',
    });
    expect(writes(setup.stub.sent)).toEqual([]);
  });

  it('refuses the password and a type it does not know, without a guessed delete', async () => {
    const setup = setUp();
    await expect(deleteUserMethod(setup.deps, deleteRequest(METHODS[0]!.id))).rejects.toMatchObject({
      code: 'method_not_removable',
      detail: 'A password method cannot be removed by this service.',
    });
    await expect(deleteUserMethod(setup.deps, deleteRequest('f00'))).rejects.toMatchObject({
      code: 'method_not_removable',
      detail: 'A unknown method cannot be removed by this service.',
    });
    expect(writes(setup.stub.sent)).toEqual([]);
  });

  it('fails with Graph’s request-id when Graph refuses the delete', async () => {
    const setup = setUp(unavailable);
    await expect(deleteUserMethod(setup.deps, deleteRequest(OATH_ID))).rejects.toMatchObject({
      code: 'graph_unavailable',
    });
    expect(setup.completed).toMatchObject([{ outcome: 'failed', graphRequestIds: ['req-500'] }]);
  });
});
