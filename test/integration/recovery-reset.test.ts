import { describe, expect, it } from 'vitest';

import { actionDeadline, withDeadline } from '../../src/lib/deadline';
import { userPath } from '../../src/lib/graph/user-path';
import { listAuthenticationMethods } from '../../src/lib/graph/users';
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

async function reset(id: string, options: { revokeSessions?: boolean; deadlineMs?: number } = {}) {
  const graph = appGraphClient(fixture);
  const byId = { kind: 'id', id } as const;
  const listMethods = () => listAuthenticationMethods(graph, byId, 'test');
  const methods = await listMethods();
  return await withDeadline(
    actionDeadline(options.deadlineMs ?? 10_000),
    async () =>
      await resetMfa(
        { userPath: userPath(byId), methods, revokeSessions: options.revokeSessions ?? false, dryRun: false },
        { graph, clientRequestId: '6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6c', listMethods },
      ),
  );
}

const topLevelRequests = () => fixture.simulator.requests().filter((request) => !request.inBatch);

describe('resetMfa against the simulator', () => {
  it('retries the default method after the others and reports what Graph refused', async () => {
    const patti = seededUser('Patti');
    fixture.simulator.clearRequests();
    const report = await reset(patti.id);
    expect(report.outcome).toBe('partial');
    expect(report.removed.map((method) => method.type)).toContain('phone');
    const refused = report.failed.find((failure) => failure.type === 'windowsHelloForBusiness');
    expect(refused).toMatchObject({ status: 400 });
    expect(refused?.message).toMatch(/RemoveKey/);
    expect(report.remaining.map((method) => method.id)).toEqual([refused?.id]);
    const deletes = fixture.simulator.requests().filter((request) => request.method === 'DELETE');
    const mobileDeletes = deletes.filter((request) =>
      request.path.endsWith('/3179e48a-750b-4051-897c-87b9720928f7'),
    );
    expect(mobileDeletes.map((request) => request.status)).toEqual([400, 204]);
  });

  it('removes every method of the every-type user in a fixed number of round trips', async () => {
    const diego = seededUser('Diego');
    fixture.simulator.clearRequests();
    const report = await reset(diego.id, { revokeSessions: true });
    expect(report.sessionsRevoked).toBe(true);
    // Every batch's request-id goes to the audit entry.
    const batches = topLevelRequests().filter((request) => request.path.endsWith('$batch'));
    expect(report.graphRequestIds).toEqual(
      expect.arrayContaining(batches.map((request) => request.requestId)),
    );
    for (const failure of report.failed) expect(failure.status).toBeGreaterThanOrEqual(400);
    expect(report.outcome).toBe(report.remaining.length === 0 ? 'complete' : 'partial');
    // The first list, batches of both versions in parallel (the phone pair in a batch of its own:
    // Graph refuses batches mixing parallel and dependent steps), one retry round for the default
    // method, one confirming list.
    expect(topLevelRequests().length).toBeLessThanOrEqual(6);
    const left =
      fixture.simulator.state().users.find((user) => user.id === diego.id)?.authenticationMethods ?? [];
    expect(left.map((method) => method.type).sort()).toEqual(
      ['password', ...report.remaining.map((method) => method.type)].sort(),
    );
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
