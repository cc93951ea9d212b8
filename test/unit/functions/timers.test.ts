import { InvocationContext, type Timer } from '@azure/functions';
import { Client, type Context } from '@microsoft/microsoft-graph-client';
import { describe, expect, it, vi } from 'vitest';

import { makeDetectLockoutsHandler } from '../../../src/functions/detect-lockouts';
import { makeMarkAbandonedAttemptsHandler } from '../../../src/functions/mark-abandoned-attempts';
import { makeRestoreSuspendedMfaHandler } from '../../../src/functions/restore-suspended-mfa';
import { loadConfig } from '../../../src/lib/config';
import type { DetectionNotice, ScanState } from '../../../src/lib/detection/repositories';
import type { AuditEntry, AuditLog } from '../../../src/lib/storage/audit-log';
import type { RecoveryEvent } from '../../../src/lib/storage/recovery-events';
import type { Suspension, SuspensionStore } from '../../../src/lib/storage/suspensions';
import { captureTelemetry } from '../../support/telemetry';

// The timers run here without a host: the handler the app registers, called with in-memory
// dependencies, a Timer and an InvocationContext, as the worker would call it.

const NOW = new Date('2026-03-02T12:00:00Z');
const TIMER: Timer = {
  isPastDue: true,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const USER_ID = '00000000-0000-4000-8000-000000000001';

/** A Graph client whose every request is answered in memory by `answer` (no network, no retries). */
function graphAnswering(answer: (url: URL, method: string) => Response): Client {
  return Client.initWithMiddleware({
    middleware: {
      execute: (context: Context) => {
        context.response = answer(new URL(String(context.request)), context.options?.method ?? 'GET');
        return Promise.resolve();
      },
    },
  });
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function context() {
  const ctx = new InvocationContext({ functionName: 'timer' });
  const log = vi.spyOn(ctx, 'log').mockImplementation(() => undefined);
  const warn = vi.spyOn(ctx, 'warn').mockImplementation(() => undefined);
  return { ctx, log, warn };
}

describe('restoreSuspendedMfa handler', () => {
  function deps(graphStatus: number) {
    const rows = new Map<string, Suspension>([
      [
        USER_ID,
        {
          userId: USER_ID,
          userPrincipalName: 'someone@contoso.example',
          previousState: 'enabled',
          suspendedAt: new Date(NOW.getTime() - 31 * 60_000).toISOString(),
          endsAt: new Date(NOW.getTime() - 60_000).toISOString(),
          ticket: 'INC-1',
          correlationId: 'c',
          status: 'active',
          restoreAttempts: 0,
          etag: 'e',
        },
      ],
    ]);
    const suspensions: SuspensionStore = {
      get: (id) => Promise.resolve(rows.get(id)),
      create: () => Promise.reject(new Error('not used')),
      update: (changed) => {
        rows.set(changed.userId, changed);
        return Promise.resolve(changed);
      },
      listDue: () => Promise.resolve([...rows.values()].filter((row) => row.status === 'active')),
    };
    const audit: AuditLog = {
      start: (attempt) =>
        Promise.resolve({
          ...attempt,
          id: 'a',
          time: NOW.toISOString(),
          outcome: 'started',
          graphRequestIds: [],
        }),
      complete: (entry, result) => Promise.resolve({ ...entry, ...result } as AuditEntry),
      refused: () => Promise.reject(new Error('not used')),
      list: () => Promise.reject(new Error('not used')),
    };
    const graph = graphAnswering(() =>
      graphStatus === 204
        ? new Response(null, { status: 204 })
        : json(graphStatus, { error: { code: 'x', message: 'x' } }),
    );
    const events = { publish: (event: never) => Promise.resolve(event as RecoveryEvent) };
    return { rows, deps: () => ({ graph, suspensions, audit, events, now: () => NOW }) };
  }

  it('restores a due suspension and logs one summary line', async () => {
    const { rows, deps: services } = deps(204);
    const { ctx, log, warn } = context();
    await makeRestoreSuspendedMfaHandler(services)(TIMER, ctx);
    expect(rows.get(USER_ID)?.status).toBe('restored');
    expect(log).toHaveBeenCalledWith('restoreSuspendedMfa: due=1 restored=1 failed=0 overdue=0 pastDue=true');
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns, naming the user and the cause, when the restore fails', async () => {
    const { rows, deps: services } = deps(503);
    const { ctx, log, warn } = context();
    await makeRestoreSuspendedMfaHandler(services)(TIMER, ctx);
    expect(rows.get(USER_ID)).toMatchObject({ status: 'active', restoreAttempts: 1 });
    expect(warn.mock.calls.map(([line]) => String(line))).toEqual([
      expect.stringMatching(new RegExp(`user ${USER_ID} stays suspended.*graph_unavailable`)),
      'restoreSuspendedMfa: due=1 restored=0 failed=1 overdue=0 pastDue=true',
    ]);
    expect(log).not.toHaveBeenCalled();
  });
});

describe('detectLockouts handler', () => {
  const telemetry = captureTelemetry();
  function deps(signIns: (url: URL) => Response) {
    const written: ScanState[] = [];
    const notices: DetectionNotice[] = [];
    const settings = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).detection;
    const services = () => ({
      reportsGraph: graphAnswering((url) => signIns(url)),
      graphOrigin: 'https://graph.microsoft.com',
      scanState: {
        read: () => Promise.resolve({ condition: 'ok' as const, etag: 'e' }),
        write: (state: ScanState) => {
          written.push(state);
          return Promise.resolve(true);
        },
      },
      lockouts: {
        get: () => Promise.resolve(undefined),
        getMany: () => Promise.resolve(new Map()),
        findByUpn: () => Promise.resolve(undefined),
        put: () => Promise.reject(new Error('no flag expected')),
        putMany: () => Promise.reject(new Error('no flag expected')),
        list: () => Promise.reject(new Error('not used')),
      },
      lockoutEvents: { publish: () => Promise.reject(new Error('no event expected')) },
      notify: (notice: DetectionNotice) => {
        notices.push(notice);
        return Promise.resolve();
      },
      settings,
      protectedUsers: () => Promise.resolve(new Set<string>()),
      now: () => NOW,
    });
    return { services, written, notices };
  }

  it('scans an empty window, moves the watermark and logs the run', async () => {
    const requested: string[] = [];
    const { services, written } = deps((url) => {
      requested.push(url.pathname);
      return json(200, { value: [] });
    });
    const { ctx, log, warn } = context();
    await makeDetectLockoutsHandler(services)(TIMER, ctx);
    expect(requested).toEqual(['/v1.0/auditLogs/signIns']);
    expect(written).toEqual([expect.objectContaining({ lastOutcome: 'complete' })]);
    expect(written[0]?.watermark).toBeDefined();
    expect(log).toHaveBeenCalledWith(
      expect.stringMatching(/^detectLockouts: outcome=complete .* pastDue=true$/),
    );
    expect(warn).not.toHaveBeenCalled();
    // Read up to now minus DETECT_LOCKOUTS_END_OFFSET_MINUTES (2 by default): 120 s behind.
    expect(telemetry).toEqual([
      {
        name: 'mfa-recovery.detection_run',
        dimensions: { outcome: 'complete' },
        measurements: { users: 0, opened: 0, reopened: 0, lagSeconds: 120 },
      },
    ]);
  });

  it('warns when Graph fails, keeping the watermark where it was', async () => {
    const { services, written } = deps(() =>
      json(503, { error: { code: 'serviceUnavailable', message: 'x' } }),
    );
    const { ctx, log, warn } = context();
    await makeDetectLockoutsHandler(services)(TIMER, ctx);
    expect(written).toEqual([
      expect.objectContaining({ lastOutcome: 'failed', lastError: 'Graph 503 serviceUnavailable' }),
    ]);
    expect(written[0]?.watermark).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^detectLockouts: outcome=failed /));
    expect(log).not.toHaveBeenCalled();
  });
});

describe('markAbandonedAttempts handler', () => {
  function auditWith(entries: AuditEntry[]) {
    const completed: [string, string | undefined][] = [];
    const audit: AuditLog = {
      start: () => Promise.reject(new Error('not used')),
      refused: () => Promise.reject(new Error('not used')),
      list: () => Promise.resolve({ entries }),
      complete: (entry, result) => {
        completed.push([entry.id, result.code]);
        return Promise.resolve({ ...entry, ...result } as AuditEntry);
      },
    };
    return { audit, completed };
  }
  const started = (id: string, minutesAgo: number): AuditEntry => ({
    id,
    action: 'tap.issue',
    caller: 'function-key',
    correlationId: id,
    time: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    outcome: 'started',
    graphRequestIds: [],
  });

  it('marks the abandoned attempt and warns with the counts', async () => {
    const { audit, completed } = auditWith([started('young', 1), started('old', 60)]);
    const { ctx, log, warn } = context();
    await makeMarkAbandonedAttemptsHandler(() => ({ audit }))(TIMER, ctx);
    expect(completed).toEqual([['old', 'abandoned']]);
    expect(warn).toHaveBeenCalledWith('markAbandonedAttempts: found=1 marked=1 raced=0 pastDue=true');
    expect(log).not.toHaveBeenCalled();
  });

  it('logs quietly when nothing was abandoned', async () => {
    const { audit, completed } = auditWith([started('young', 1)]);
    const { ctx, log, warn } = context();
    await makeMarkAbandonedAttemptsHandler(() => ({ audit }))(TIMER, ctx);
    expect(completed).toEqual([]);
    expect(log).toHaveBeenCalledWith('markAbandonedAttempts: found=0 marked=0 raced=0 pastDue=true');
    expect(warn).not.toHaveBeenCalled();
  });
});
