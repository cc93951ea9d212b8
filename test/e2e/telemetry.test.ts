import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { demoSeedUser } from '../support/demo-tenant';
import { callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

const stack = useStack({
  hostOutput: 'pipe',
  // Unset (empty is unset): telemetry goes to the host's console, as under `npm start`.
  appSettings: { APPLICATIONINSIGHTS_CONNECTION_STRING: '' },
});

/** The host's console lines that are telemetry records. */
const telemetryLines = () =>
  stack()
    .host.output()
    .split('\n')
    .filter((line) => line.includes('telemetry mfa-recovery.'));

describe('telemetry on the local stack', () => {
  it('prints one console line for a TAP, with its outcome and ids, and never the pass, UPN or ticket', async () => {
    const user = demoSeedUser('ordinaryUser');
    const correlationId = randomUUID();
    const ticket = `INC${Date.now()}`;
    const answer = await callStack(
      stack(),
      'POST',
      `/users/${encodeURIComponent(user.userPrincipalName)}/tap`,
      { ticket, verification: { method: 'video_call', reference: 'Teams call, ID shown' } },
      { 'idempotency-key': randomUUID(), 'x-correlation-id': correlationId },
    );
    expect(answer.status).toBe(201);
    const pass = answer.body.temporaryAccessPass;
    expect(typeof pass).toBe('string');

    const lines = telemetryLines().filter((line) => line.includes(`correlationId=${correlationId}`));
    expect(lines).toEqual([
      expect.stringContaining(
        `telemetry mfa-recovery.action action=tap.issue outcome=succeeded correlationId=${correlationId} targetId=${user.id}`,
      ),
    ]);
    for (const secret of [String(pass), user.userPrincipalName, ticket]) {
      expect(telemetryLines().join('\n')).not.toContain(secret);
    }
  });

  it('prints a refusal line with the function name and problem code', async () => {
    const correlationId = randomUUID();
    const answer = await callStack(
      stack(),
      'POST',
      `/users/${demoSeedUser('ordinaryUser').id}/tap`,
      { ticket: 'INC1' },
      { 'idempotency-key': randomUUID(), 'x-correlation-id': correlationId },
    );
    expect(answer.status).toBe(400);
    expect(telemetryLines().filter((line) => line.includes(`correlationId=${correlationId}`))).toEqual([
      expect.stringContaining(
        `telemetry mfa-recovery.refusal operation=issueTap code=invalid_request status=400 correlationId=${correlationId}`,
      ),
    ]);
  });
});
