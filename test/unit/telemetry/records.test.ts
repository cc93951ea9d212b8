import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { withProblemJson } from '../../../src/lib/http/handler';
import { AppError } from '../../../src/lib/http/problem';
import { createActionLimits } from '../../../src/lib/limits/action-limits';
import { recordAction, recordDetectionRun, useTelemetrySink } from '../../../src/lib/telemetry/records';
import { consoleSink } from '../../../src/lib/telemetry/sinks';
import { TARGET } from '../../support/action-fakes';
import { testCaller } from '../../support/callers';
import { memoryLimitsStore } from '../../support/limits';
import { captureTelemetry } from '../../support/telemetry';

const records = captureTelemetry();
const CORRELATION = 'corr-42';

describe('telemetry records', () => {
  it('an action carries action, outcome, code, correlation id and the lower-cased target object id', () => {
    recordAction({
      action: 'mfa.reset',
      outcome: 'partial',
      code: 'graph_throttled',
      correlationId: CORRELATION,
      targetId: TARGET.id.toUpperCase(),
    });
    expect(records).toEqual([
      {
        name: 'mfa-recovery.action',
        dimensions: {
          action: 'mfa.reset',
          outcome: 'partial',
          code: 'graph_throttled',
          correlationId: CORRELATION,
          targetId: TARGET.id,
        },
        measurements: {},
      },
    ]);
  });

  it('passes on only the fields it names: an audit entry hands it its ticket, UPN and reason in vain', () => {
    const entry = {
      action: 'tap.issue',
      outcome: 'refused',
      code: 'protected_account',
      correlationId: CORRELATION,
      targetId: TARGET.userPrincipalName,
      targetUpn: TARGET.userPrincipalName,
      ticket: 'INC0012345',
      reason: 'lost-phone',
    };
    recordAction(entry);
    expect(records[0]?.dimensions).toEqual({
      action: 'tap.issue',
      outcome: 'refused',
      code: 'protected_account',
      correlationId: CORRELATION,
    });
    const text = JSON.stringify(records);
    for (const secret of ['INC0012345', 'lost-phone', TARGET.userPrincipalName]) {
      expect(text).not.toContain(secret);
    }
  });

  it('drops a dimension that is not a plain token (free text never reaches a record)', () => {
    recordAction({ action: 'mfa.reset', outcome: 'failed', code: 'call me at +1 425', correlationId: 'c' });
    expect(records[0]?.dimensions).toEqual({ action: 'mfa.reset', outcome: 'failed', correlationId: 'c' });
  });

  it('a refusal is every problem+json answer, with the function name, status and code', async () => {
    const handler = withProblemJson(() =>
      Promise.reject(new AppError('protected_account', 'The account holds a protected role.')),
    );
    const response = await handler(
      new HttpRequest({
        method: 'POST',
        url: `http://localhost/api/users/${TARGET.userPrincipalName}/mfa/reset`,
        headers: { 'x-correlation-id': CORRELATION },
      }),
      new InvocationContext({ functionName: 'resetMfa' }),
    );
    expect(response.status).toBe(403);
    expect(records).toEqual([
      {
        name: 'mfa-recovery.refusal',
        dimensions: {
          operation: 'resetMfa',
          code: 'protected_account',
          status: '403',
          correlationId: CORRELATION,
        },
        measurements: {},
      },
    ]);
  });

  it('a brake trip is one mfa-recovery.brake_engaged record, from the call whose write engaged it', async () => {
    const settings = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).limits;
    const limits = createActionLimits({
      store: memoryLimitsStore().store,
      settings: { ...settings, brakeUsers: 1 },
      events: { publish: (event) => Promise.resolve({ ...event, schemaVersion: 1, eventId: 'e', time: '' }) },
      log: { warn: () => undefined },
    });
    const target = (n: number) => ({
      id: `bbbbbbbb-0000-4000-8000-00000000000${n}`,
      userPrincipalName: `user${n}@contoso.com`,
      groupIds: new Set<string>(),
    });
    const request = {
      action: 'tap.issue' as const,
      user: { kind: 'upn' as const, upn: 'user@contoso.com' },
      input: { ticket: 'INC0099', verification: { method: 'video_call', reference: 'r' } },
      caller: testCaller({ id: 'app:itsm' }),
      correlationId: CORRELATION,
      idempotency: { key: 'k', scope: 's', fingerprint: 'f' },
    };
    expect(await limits.begin(request).admit(target(1))).toBeUndefined();
    expect((await limits.begin(request).admit(target(2)))?.code).toBe('brake_engaged');
    expect((await limits.begin(request).admit(target(3)))?.code).toBe('brake_engaged');
    expect(records).toEqual([
      {
        name: 'mfa-recovery.brake_engaged',
        dimensions: { action: 'tap.issue', correlationId: CORRELATION, targetId: target(2).id },
        measurements: { distinctUsers: 2, brakeUsers: 1, windowMinutes: settings.brakeWindowMs / 60_000 },
      },
    ]);
    expect(JSON.stringify(records)).not.toMatch(/INC0099|user2@contoso\.com/);
  });

  it('a detection run carries its outcome, flags opened and lag (absent before any complete run)', () => {
    recordDetectionRun({ outcome: 'complete', users: 4, opened: 2, reopened: 1, lagSeconds: 150 });
    recordDetectionRun({ outcome: 'failed', users: 0, opened: 0, reopened: 0 });
    expect(records).toEqual([
      {
        name: 'mfa-recovery.detection_run',
        dimensions: { outcome: 'complete' },
        measurements: { users: 4, opened: 2, reopened: 1, lagSeconds: 150 },
      },
      {
        name: 'mfa-recovery.detection_run',
        dimensions: { outcome: 'failed' },
        measurements: { users: 0, opened: 0, reopened: 0 },
      },
    ]);
  });

  it('a sink that throws changes nothing for the caller', () => {
    const restore = useTelemetrySink({
      write: () => {
        throw new Error('exporter down');
      },
    });
    try {
      expect(() =>
        recordAction({ action: 'mfa.reset', outcome: 'succeeded', correlationId: CORRELATION }),
      ).not.toThrow();
    } finally {
      restore();
    }
  });

  it('locally, each record is one compact console line', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      consoleSink.write({
        name: 'mfa-recovery.detection_run',
        dimensions: { outcome: 'complete' },
        measurements: { opened: 2, lagSeconds: 150 },
      });
      expect(log.mock.calls).toEqual([
        ['telemetry mfa-recovery.detection_run outcome=complete opened=2 lagSeconds=150'],
      ]);
    } finally {
      log.mockRestore();
    }
  });
});
