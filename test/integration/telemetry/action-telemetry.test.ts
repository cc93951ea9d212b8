import { describe, expect, it } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import type { GuardVerdict } from '../../../src/lib/recovery/action-guard';
import { issueTap, type IssueTapInput } from '../../../src/lib/recovery/tap-action';
import { createTableAuditLog } from '../../../src/lib/storage/audit-log';
import { actionFakes, actionRequest, CORRELATION_ID, TARGET } from '../../support/action-fakes';
import { TAP_POLICY } from '../../support/tap-fixtures';
import { captureTelemetry } from '../../support/telemetry';
import { json, stubGraph } from '../../unit/graph/stub-graph';
import { useAzurite } from '../storage/azurite-fixture';

const fixture = useAzurite();
const records = captureTelemetry();

const PASS = 'TAPRocks!7731';
const TICKET = 'INC7731';
const REASON = 'lost-phone-7731';
const REFERENCE = 'teams-call-7731';

/** A TAP for AdeleV (named by UPN), through runAction with the Table Storage audit log on Azurite. */
async function tapThrough(verdict?: GuardVerdict) {
  const stub = stubGraph(() =>
    Promise.resolve(
      json(
        201,
        {
          id: '6f1c4b2b-3ac4-4f5e-8e6a-3f1c2b4d5e6f',
          temporaryAccessPass: PASS,
          createdDateTime: '2026-03-02T12:00:00.000Z',
          lifetimeInMinutes: 60,
          isUsableOnce: true,
        },
        { 'request-id': 'req-create' },
      ),
    ),
  );
  const fakes = actionFakes({ graph: stub.graph, ...(verdict ? { verdict } : {}) });
  const table = await fixture.freshTable();
  const deps: Parameters<typeof issueTap>[0] = {
    ...fakes.deps,
    audit: createTableAuditLog({ table: () => Promise.resolve(table) }),
    tapPolicy: () => Promise.resolve(TAP_POLICY),
  };
  const request = actionRequest<IssueTapInput>({
    action: 'tap.issue',
    input: { ticket: TICKET, reason: REASON, verification: { method: 'video_call', reference: REFERENCE } },
  });
  return await issueTap(deps, request);
}

/** What no record may ever hold: the pass, the UPN, the ticket, the reason, the verification reference. */
function expectNothingPersonal() {
  const text = JSON.stringify(records);
  for (const secret of [PASS, TARGET.userPrincipalName, TICKET, REASON, REFERENCE]) {
    expect(text).not.toContain(secret);
  }
}

describe('telemetry of a TAP action', () => {
  it('is one mfa-recovery.action record, with its outcome and ids, and never the pass', async () => {
    const response = await tapThrough();
    // The pass is in the answer, so it went through the whole action.
    expect(response.body).toMatchObject({ temporaryAccessPass: PASS });
    expect(records).toEqual([
      {
        name: 'mfa-recovery.action',
        dimensions: {
          action: 'tap.issue',
          outcome: 'succeeded',
          correlationId: CORRELATION_ID,
          targetId: TARGET.id,
        },
        measurements: {},
      },
    ]);
    expectNothingPersonal();
  });

  it('records a refused action with its problem code', async () => {
    await expect(
      tapThrough({
        allowed: false,
        code: 'break_glass_account',
        reasons: [`break_glass:${TARGET.id}`],
        target: TARGET,
        graphRequestIds: [],
      }),
    ).rejects.toBeInstanceOf(AppError);
    expect(records).toEqual([
      {
        name: 'mfa-recovery.action',
        dimensions: {
          action: 'tap.issue',
          outcome: 'refused',
          code: 'break_glass_account',
          correlationId: CORRELATION_ID,
          targetId: TARGET.id,
        },
        measurements: {},
      },
    ]);
    expectNothingPersonal();
  });
});
