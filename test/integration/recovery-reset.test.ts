import { describe, expect, it } from 'vitest';

import { actionDeadline, withDeadline } from '../../src/lib/deadline';
import type { RemovableMethodType } from '../../src/lib/graph/method-types';
import { userPath } from '../../src/lib/graph/user-path';
import { listAuthenticationMethods } from '../../src/lib/graph/users';
import { DEFAULT_METHOD_HINT } from '../../src/lib/recovery/default-method';
import { resetMfa } from '../../src/lib/recovery/reset-mfa';
import { appGraphClient } from '../support/app-graph-client';
import { demoSeed } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';

const fixture = useGraphSimulator({ resetAfterEach: true });

function seededUser(displayNamePrefix: string) {
  const user = demoSeed().users.find((candidate) => candidate.displayName.startsWith(displayNamePrefix));
  if (!user) throw new Error(`no seeded user ${displayNamePrefix}`);
  return user;
}

async function reset(
  id: string,
  options: {
    revokeSessions?: boolean;
    deadlineMs?: number;
    methodTypes?: ReadonlySet<RemovableMethodType>;
  } = {},
) {
  const graph = appGraphClient(fixture);
  const byId = { kind: 'id', id } as const;
  const listMethods = () => listAuthenticationMethods(graph, byId, 'test');
  const methods = await listMethods();
  return await withDeadline(
    actionDeadline(options.deadlineMs ?? 10_000),
    async () =>
      await resetMfa(
        {
          userPath: userPath(byId),
          methods,
          revokeSessions: options.revokeSessions ?? false,
          ...(options.methodTypes ? { methodTypes: options.methodTypes } : {}),
          dryRun: false,
        },
        { graph, clientRequestId: '6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6c', listMethods },
      ),
  );
}

const topLevelRequests = () => fixture.simulator.requests().filter((request) => !request.inBatch);
const ids = (methods: readonly { id: string }[]) => methods.map((method) => method.id).sort();

/** Seeded methods split: those `where` picks, then the others. */
function partitionBy<T>(methods: readonly T[], where: (method: T) => boolean): [T[], T[]] {
  return [methods.filter(where), methods.filter((method) => !where(method))];
}

/** The user's methods read back through Graph (beta lists every type), not from the answer. */
async function relist(id: string) {
  const response = await fetch(`${fixture.simulator.url}/beta/users/${id}/authentication/methods`, {
    headers: { Authorization: `Bearer ${fixture.token}` },
  });
  return ((await response.json()) as { value: { id: string }[] }).value;
}

/** Each revokeSignInSessions sent: [in a batch, status]. */
const revokeSteps = () =>
  fixture.simulator
    .requests()
    .filter((request) => request.path.endsWith('/revokeSignInSessions'))
    .map((request) => [request.inBatch, request.status]);

describe('resetMfa against the simulator', () => {
  it('retries the default method after the others and reports what Graph refused', async () => {
    const patti = seededUser('Patti');
    fixture.simulator.clearRequests();
    // From the seed: one Windows Hello key needs MFA to delete; every other method but the password goes.
    const [kept, removable] = partitionBy(
      patti.authenticationMethods,
      (method) =>
        method.type === 'password' ||
        (method.type === 'windowsHelloForBusiness' && method.deleteRequiresMfa === true),
    );
    const refused = kept.filter((method) => method.type !== 'password');
    const report = await reset(patti.id);
    expect(report.outcome).toBe('partial');
    expect(ids(report.removed)).toEqual(ids(removable));
    expect(report.failed.map((failure) => [failure.id, failure.status])).toEqual(
      refused.map((method) => [method.id, 400]),
    );
    expect(report.failed[0]?.message).toMatch(/RemoveKey/);
    expect(ids(report.remaining)).toEqual(ids(refused));
    const deletes = fixture.simulator.requests().filter((request) => request.method === 'DELETE');
    const mobileDeletes = deletes.filter((request) =>
      request.path.endsWith('/3179e48a-750b-4051-897c-87b9720928f7'),
    );
    expect(mobileDeletes.map((request) => request.status)).toEqual([400, 204]);
  });

  it('a default reset (sessions revoked) removes every method but the password: complete', async () => {
    const adele = seededUser('Adele');
    const [password, others] = partitionBy(
      adele.authenticationMethods,
      (method) => method.type === 'password',
    );
    const report = await reset(adele.id, { revokeSessions: true });
    expect(report).toMatchObject({ outcome: 'complete', sessionsRevoked: true, failed: [], remaining: [] });
    expect(ids(report.removed)).toEqual(ids(others));
    expect(ids(await relist(adele.id))).toEqual(ids(password));
    expect(revokeSteps()).toEqual([[true, 200]]);
  });

  it('removes every method of the every-type user, in a fixed number of round trips', async () => {
    const diego = seededUser('Diego');
    // Every type the seed holds is removable with the identity's per-type permissions (the
    // deprecated passwordless Authenticator one with UserAuthMethod-MicrosoftAuthApp.ReadWrite.All,
    // docs/graph-calls.md): only the password stays.
    const [password, removable] = partitionBy(
      diego.authenticationMethods,
      (method) => method.type === 'password',
    );
    fixture.simulator.clearRequests();
    const report = await reset(diego.id, { revokeSessions: true });
    expect(report).toMatchObject({ outcome: 'complete', sessionsRevoked: true, failed: [], remaining: [] });
    expect(ids(report.removed)).toEqual(ids(removable));
    // Every batch's request-id goes to the audit entry.
    const batches = topLevelRequests().filter((request) => request.path.endsWith('$batch'));
    expect(report.graphRequestIds).toEqual(
      expect.arrayContaining(batches.map((request) => request.requestId)),
    );
    // The first list, batches of both versions in parallel (the phone pair in a batch of its own:
    // Graph refuses batches mixing parallel and dependent steps), one retry round for the default
    // method, one confirming list.
    expect(topLevelRequests().length).toBeLessThanOrEqual(6);
    expect(ids(await relist(diego.id))).toEqual(ids(password));
    expect(revokeSteps()).toEqual([[true, 200]]);
  });

  it("reports the default method Graph still refuses, with Graph's message and what to do", async () => {
    // Adele's default is the Authenticator app (push); her phones, OATH token and the rest stay
    // outside this reset, so Graph keeps refusing the default (microsoft-graph-docs#14470).
    const adele = seededUser('Adele');
    const authenticator = adele.authenticationMethods.find(
      (method) => method.type === 'microsoftAuthenticator',
    );
    const report = await reset(adele.id, { methodTypes: new Set(['microsoftAuthenticator']) });
    expect(report.outcome).toBe('partial');
    expect(report.removed).toEqual([]);
    expect(report.failed).toEqual([
      expect.objectContaining({
        id: authenticator?.id,
        type: 'microsoftAuthenticator',
        status: 400,
        graphCode: 'badRequest',
        message:
          'Cannot delete default method with other methods configured. Please change default method before deletion.',
        hint: DEFAULT_METHOD_HINT,
      }),
    ]);
  });

  it('re-sends a step Graph throttled inside the batch after its Retry-After', async () => {
    const adele = seededUser('Adele');
    fixture.simulator.injectFault({
      method: 'DELETE',
      path: '/fido2Methods/',
      status: 429,
      retryAfter: 0,
      count: 1,
    });
    const report = await reset(adele.id);
    expect(report.outcome).toBe('complete');
    const fido2 = fixture.simulator.requests().filter((request) => request.path.includes('/fido2Methods/'));
    expect(fido2.map((request) => request.status)).toEqual([429, 204]);
  });

  it("reports partial with Graph's Retry-After when throttling outlasts the budget, keeping what it removed", async () => {
    const adele = seededUser('Adele');
    fixture.simulator.injectFault({
      method: 'DELETE',
      path: '/fido2Methods/',
      status: 429,
      retryAfter: 60,
      count: 5,
    });
    const report = await reset(adele.id, { deadlineMs: 500 });
    expect(report.outcome).toBe('partial');
    expect(report.failed).toEqual([
      expect.objectContaining({ type: 'fido2', status: 429, retryAfterSeconds: 60 }),
    ]);
    const left =
      fixture.simulator.state().users.find((user) => user.id === adele.id)?.authenticationMethods ?? [];
    expect(left.map((method) => method.type).sort()).toEqual(['fido2', 'password']);
  });
});
