import type { Client } from '@microsoft/microsoft-graph-client';
import { describe, expect, it, vi } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { AppError } from '../../../src/lib/http/problem';
import type { LimitsStore } from '../../../src/lib/limits/limits-store';
import { type ActionDeps, type ActionRequest, runAction } from '../../../src/lib/recovery/run-action';
import type { AuditAttempt, AuditEntry } from '../../../src/lib/storage/audit-log';
import { testCaller } from '../../support/callers';
import { memoryLimitsStore } from '../../support/limits';
import { memoryApprovals } from '../../support/memory-approvals';
import { recordingLimits } from '../../support/recording-limits';

const config = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' });
const settings = config.limits;
const user = (n: number) => `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`;
const target = (n: number) => ({
  id: user(n),
  userPrincipalName: `user${n}@contoso.com`,
  groupIds: new Set<string>(),
});

function request(overrides: Partial<ActionRequest> = {}): ActionRequest {
  return {
    action: 'tap.issue',
    user: { kind: 'upn', upn: 'user@contoso.com' },
    input: { ticket: 'INC1', verification: { method: 'video_call', reference: 'r' } },
    caller: testCaller({ id: 'app:itsm' }),
    correlationId: 'c1',
    idempotency: { key: 'k', scope: 's', fingerprint: 'f' },
    ...overrides,
  };
}

const limitsWith = (store: LimitsStore, overrides: Partial<typeof settings> = {}) =>
  recordingLimits(store, { ...settings, ...overrides });

describe('action limits', () => {
  it('lets no more than BRAKE_USERS of 100 concurrent TAPs over 100 users through, and reports the trip once', async () => {
    const memory = memoryLimitsStore();
    const { limits, events } = limitsWith(memory.store, { callerCallsPerWindow: 1000 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, n) => limits.begin(request()).admit(target(n))),
    );
    expect(results.filter((result) => result === undefined)).toHaveLength(10);
    const codes = results.filter((result) => result !== undefined).map((result) => result.code);
    expect(new Set(codes)).toEqual(new Set(['brake_engaged']));
    expect(events.filter((event) => event.type === 'security.brake_engaged')).toEqual([
      expect.objectContaining({
        severity: 'high',
        details: expect.objectContaining({ distinctUsers: 11 }) as unknown,
      }),
    ]);
    expect(memory.brake()).toMatchObject({ engaged: true });
    // Every admitted call was counted exactly once for the caller, though they raced.
    expect(memory.callerCalls('app:itsm')).toHaveLength(10);
    expect(memory.stats().lostRaces).toBeGreaterThan(0);
  });

  it('counts a UPN-named target whose row already exists (the optimistic insert loses and re-reads)', async () => {
    const memory = memoryLimitsStore();
    const { limits, events } = limitsWith(memory.store);
    for (let i = 0; i < 3; i++) expect(await limits.begin(request()).admit(target(1))).toBeUndefined();
    expect(memory.target(user(1))?.taps).toHaveLength(3);
    const refused = await limits.begin(request()).admit(target(1));
    expect(refused).toBeInstanceOf(AppError);
    expect(refused?.code).toBe('target_rate_limited');
    expect(refused?.options.retryAfterSeconds).toBeGreaterThan(86_000);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'recovery.action.refused',
        severity: 'high',
        targetId: user(1),
        details: { code: 'target_rate_limited', caller: { id: 'app:itsm' } },
      }),
    ]);
  });

  it('reads the target row beside the guard when the user is named by object id', async () => {
    const memory = memoryLimitsStore();
    const read = vi.spyOn(memory.store, 'read');
    const { limits } = limitsWith(memory.store);
    await limits.begin(request({ user: { kind: 'id', id: user(2) } })).admit(target(2));
    expect(read).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledWith({ callerId: 'app:itsm', targetId: user(2), writesOnly: false });
  });

  it('refuses the caller past its hourly count whatever the action', async () => {
    const memory = memoryLimitsStore();
    const { limits } = limitsWith(memory.store, { callerCallsPerWindow: 2 });
    const revoke = request({ action: 'sessions.revoke' });
    expect(await limits.begin(revoke).admit(target(1))).toBeUndefined();
    expect(await limits.begin(revoke).admit(target(2))).toBeUndefined();
    expect((await limits.begin(revoke).admit(target(3)))?.code).toBe('caller_rate_limited');
    // Another caller has its own count.
    const other = request({ action: 'sessions.revoke', caller: testCaller({ id: 'app:other' }) });
    expect(await limits.begin(other).admit(target(3))).toBeUndefined();
  });

  it('counts a dry-run reset for the caller but not for the target or the brake', async () => {
    const memory = memoryLimitsStore();
    const { limits } = limitsWith(memory.store, { resetsPerTarget: 1 });
    const dryRun = request({
      action: 'mfa.reset',
      input: { ...request().input, dryRun: true } as ActionRequest['input'],
    });
    for (let i = 0; i < 3; i++) expect(await limits.begin(dryRun).admit(target(1))).toBeUndefined();
    expect(memory.target(user(1))).toBeUndefined();
    expect(memory.callerCalls('app:itsm')).toHaveLength(3);
    expect(await limits.begin(request({ action: 'mfa.reset' })).admit(target(1))).toBeUndefined();
    expect((await limits.begin(request({ action: 'mfa.reset' })).admit(target(1)))?.code).toBe(
      'target_rate_limited',
    );
  });

  it('counts a one-call recovery against both the reset and the TAP limits of its target', async () => {
    const memory = memoryLimitsStore();
    const { limits } = limitsWith(memory.store, { resetsPerTarget: 1 });
    expect(await limits.begin(request({ action: 'mfa.recover' })).admit(target(1))).toBeUndefined();
    expect(memory.target(user(1))).toMatchObject({
      taps: [expect.any(Number)],
      resets: [expect.any(Number)],
    });
    // The reset slot is used up: neither a reset nor another recovery goes, a TAP still does.
    expect((await limits.begin(request({ action: 'mfa.recover' })).admit(target(1)))?.code).toBe(
      'target_rate_limited',
    );
    expect((await limits.begin(request({ action: 'mfa.reset' })).admit(target(1)))?.code).toBe(
      'target_rate_limited',
    );
    expect(await limits.begin(request({ action: 'tap.issue' })).admit(target(1))).toBeUndefined();
  });

  it('fails closed with limits_unavailable when the store cannot be read', async () => {
    const memory = memoryLimitsStore();
    const store = { ...memory.store, read: () => Promise.reject(new Error('ECONNREFUSED')) };
    const { limits } = limitsWith(store);
    expect((await limits.begin(request()).admit(target(1)))?.code).toBe('limits_unavailable');
  });

  it('refuses with service_disabled after the stored switch is turned off, and admits once it is on again', async () => {
    const memory = memoryLimitsStore();
    const { limits } = limitsWith(memory.store);
    await memory.store.setWrites(false, 'admin');
    expect((await limits.begin(request()).admit(target(1)))?.code).toBe('service_disabled');
    await memory.store.setWrites(true, 'admin');
    expect(await limits.begin(request()).admit(target(1))).toBeUndefined();
  });
});

describe('runAction with the limits', () => {
  function deps(store: LimitsStore, overrides: Partial<typeof settings> = {}) {
    const steps: string[] = [];
    const entry = (attempt: AuditAttempt): AuditEntry => ({
      ...attempt,
      id: 'a1',
      time: '',
      outcome: 'started',
      graphRequestIds: [],
    });
    const { limits, events } = limitsWith(store, overrides);
    const actionDeps: ActionDeps = {
      graph: {} as Client,
      config,
      checkTarget: () => Promise.resolve({ allowed: true, target: target(1), graphRequestIds: [] }),
      audit: {
        start: (attempt) => Promise.resolve(entry(attempt)),
        complete: (started) => Promise.resolve(started),
        refused: (attempt, code) => {
          steps.push(`audit.refused:${code}`);
          return Promise.resolve(entry(attempt));
        },
        list: () => Promise.resolve({ entries: [] }),
      },
      events: { publish: (event) => Promise.resolve({ ...event, schemaVersion: 1, eventId: 'e', time: '' }) },
      idempotency: {
        begin: () =>
          Promise.resolve({
            kind: 'started',
            record: { scope: 's', key: 'k', fingerprint: 'f', state: 'processing', startedAt: '', etag: 'e' },
          }),
        complete: () => Promise.resolve(),
        release: () => {
          steps.push('idempotency.release');
          return Promise.resolve();
        },
      },
      lockouts: {
        get: () => Promise.resolve(undefined),
        findByUpn: () => Promise.resolve(undefined),
        put: (flag) => Promise.resolve({ ...flag, etag: 'e' }),
      },
      limits,
      approvals: memoryApprovals(),
      log: { warn: () => undefined },
    };
    return { actionDeps, steps, events };
  }

  it('refuses before acting: the refusal is audited, the key released, Graph never called', async () => {
    const memory = memoryLimitsStore();
    const { actionDeps, steps } = deps(memory.store, { tapsPerTarget: 1 });
    const perform = vi.fn(() =>
      Promise.resolve({ status: 201, body: {}, audit: { outcome: 'succeeded' as const } }),
    );
    expect((await runAction(actionDeps, request(), perform)).status).toBe(201);
    const error: unknown = await runAction(actionDeps, request(), perform).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'target_rate_limited' });
    expect(perform).toHaveBeenCalledTimes(1);
    expect(steps).toEqual(['audit.refused:target_rate_limited', 'idempotency.release']);
  });

  it('keeps the slot of an action that failed (attempts count, not successes)', async () => {
    const memory = memoryLimitsStore();
    const { actionDeps } = deps(memory.store);
    const failing = () => Promise.reject(new AppError('graph_unavailable', 'down'));
    await runAction(actionDeps, request(), failing).catch(() => undefined);
    expect(memory.target(user(1))?.taps).toHaveLength(1);
  });
});
