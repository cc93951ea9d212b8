import { type HttpHandler, HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

import { makeReleaseBrakeHandler } from '../../../src/functions/release-brake';
import {
  makeGetServiceWritesHandler,
  makePutServiceWritesHandler,
} from '../../../src/functions/service-writes';
import { loadConfig } from '../../../src/lib/config';
import type { ServiceControlsDeps } from '../../../src/lib/limits/service-controls';
import type { AuditAttempt, AuditEntry, AuditResult } from '../../../src/lib/storage/audit-log';
import type { NewRecoveryEvent } from '../../../src/lib/storage/recovery-events';
import { recordingEvents } from '../../support/action-fakes';
import { testCaller } from '../../support/callers';
import { chosen } from '../../support/chosen-caller';
import { memoryLimitsStore } from '../../support/limits';

// The caller is chosen by each test; the role check itself is the real one.
vi.mock('../../../src/lib/auth/authenticate', async () => {
  const { chosenCallerAuthentication } = await vi.importActual<typeof import('../../support/chosen-caller')>(
    '../../support/chosen-caller',
  );
  return chosenCallerAuthentication;
});

const ADMIN = testCaller({
  id: 'user:admin-oid',
  kind: 'user',
  name: 'Ada Admin',
  roles: ['Recovery.Read', 'Recovery.Admin'],
});
const HELPDESK = testCaller({ id: 'user:helpdesk-oid', kind: 'user' });

function setup(settings: Partial<ReturnType<typeof loadConfig>['limits']> = {}) {
  const memory = memoryLimitsStore();
  const audited: { attempt: AuditAttempt; result?: AuditResult }[] = [];
  const events: NewRecoveryEvent[] = [];
  const config = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' });
  const deps: ServiceControlsDeps = {
    config: { limits: { ...config.limits, ...settings } },
    limitsStore: memory.store,
    audit: {
      start: (attempt) => {
        audited.push({ attempt });
        return Promise.resolve({
          ...attempt,
          id: String(audited.length),
          time: '',
          outcome: 'started',
          graphRequestIds: [],
        } as AuditEntry);
      },
      complete: (entry, result) => {
        audited[Number(entry.id) - 1]!.result = result;
        return Promise.resolve(entry);
      },
      refused: () => Promise.reject(new Error('not expected')),
      list: () => Promise.resolve({ entries: [] }),
    },
    events: recordingEvents(events),
    log: { warn: () => undefined },
  };
  return { memory, audited, events, deps: () => deps };
}

const request = (method: string, route: string, body?: unknown) =>
  new HttpRequest({
    method,
    url: `http://localhost/api/${route}`,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
  });

async function answer(response: ReturnType<HttpHandler>) {
  // withProblemJson always answers with a plain HttpResponseInit.
  const init = (await response) as HttpResponseInit;
  const json: unknown = init.jsonBody;
  const parsed: unknown = json ?? JSON.parse(typeof init.body === 'string' ? init.body : '{}');
  return { status: init.status, body: parsed as Record<string, unknown> };
}

const context = () => new InvocationContext({ functionName: 'test' });

describe('PUT /api/service/writes', () => {
  it('lets Recovery.Admin switch changes off, audited and reported, and on again', async () => {
    const { memory, audited, events, deps } = setup();
    chosen.caller = ADMIN;
    const put = makePutServiceWritesHandler(deps);
    const off = await answer(
      put(request('PUT', 'service/writes', { enabled: false, reason: 'incident 42' }), context()),
    );
    expect(off).toMatchObject({
      status: 200,
      body: { enabled: false, stored: { enabled: false, changedBy: 'user:admin-oid' } },
    });
    expect((await memory.store.read({ writesOnly: true })).writes.enabled).toBe(false);
    expect(audited).toEqual([
      {
        attempt: expect.objectContaining({
          action: 'writes.switch',
          caller: 'user:admin-oid',
          reason: 'incident 42',
        }) as unknown,
        result: { outcome: 'succeeded', summary: { enabled: false } },
      },
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'service.writes_disabled',
        severity: 'high',
        details: expect.objectContaining({ caller: { id: 'user:admin-oid', name: 'Ada Admin' } }) as unknown,
      }),
    ]);
    const on = await answer(put(request('PUT', 'service/writes', { enabled: true }), context()));
    expect(on.body).toMatchObject({ enabled: true });
  });

  it('refuses a caller without Recovery.Admin with 403 naming the role, and changes nothing', async () => {
    const { memory, audited, deps } = setup();
    chosen.caller = HELPDESK;
    const refused = await answer(
      makePutServiceWritesHandler(deps)(request('PUT', 'service/writes', { enabled: false }), context()),
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'forbidden',
      detail: expect.stringContaining('Recovery.Admin') as unknown,
    });
    expect((await memory.store.read({ writesOnly: true })).writes.enabled).toBe(true);
    expect(audited).toEqual([]);
  });

  it('refuses a body that is not {enabled: boolean}', async () => {
    const { deps } = setup();
    chosen.caller = ADMIN;
    const refused = await answer(
      makePutServiceWritesHandler(deps)(request('PUT', 'service/writes', { enabled: 'no' }), context()),
    );
    expect(refused).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  });
});

describe('GET /api/service/writes', () => {
  it('reports the setting as the deciding word when RECOVERY_WRITES_ENABLED is false', async () => {
    const { deps } = setup({ writesEnabled: false });
    chosen.caller = HELPDESK;
    const state = await answer(
      makeGetServiceWritesHandler(deps)(request('GET', 'service/writes'), context()),
    );
    expect(state).toMatchObject({
      status: 200,
      body: {
        enabled: false,
        setting: { RECOVERY_WRITES_ENABLED: false },
        stored: { enabled: true },
        brake: { engaged: false },
      },
    });
  });
});

describe('POST /api/brake/release', () => {
  it('releases an engaged brake for Recovery.Admin, audited with the reason, one high event', async () => {
    const { memory, audited, events, deps } = setup();
    await memory.store.commit({
      callerId: 'x',
      targetId: 'y',
      brake: { engaged: true, trippedAt: '2026-03-02T10:00:00.000Z', recent: [] },
    });
    chosen.caller = ADMIN;
    const release = makeReleaseBrakeHandler(deps);
    const released = await answer(
      release(request('POST', 'brake/release', { reason: 'HR mass onboarding' }), context()),
    );
    expect(released).toMatchObject({ status: 200, body: { released: true, brake: { engaged: false } } });
    expect(memory.brake()).toMatchObject({ engaged: false, recent: [] });
    expect(audited[0]?.attempt).toMatchObject({
      action: 'brake.release',
      caller: 'user:admin-oid',
      reason: 'HR mass onboarding',
    });
    expect(events).toEqual([expect.objectContaining({ type: 'security.brake_released', severity: 'high' })]);
    // Nothing left to release: no second event.
    const again = await answer(release(request('POST', 'brake/release', { reason: 'again' }), context()));
    expect(again.body).toMatchObject({ released: false });
    expect(events).toHaveLength(1);
  });

  it('refuses a caller without Recovery.Admin, leaving the brake engaged', async () => {
    const { memory, deps } = setup();
    await memory.store.commit({ callerId: 'x', targetId: 'y', brake: { engaged: true, recent: [] } });
    chosen.caller = HELPDESK;
    const refused = await answer(
      makeReleaseBrakeHandler(deps)(request('POST', 'brake/release', { reason: 'r' }), context()),
    );
    expect(refused.status).toBe(403);
    expect(memory.brake()).toMatchObject({ engaged: true });
  });
});
