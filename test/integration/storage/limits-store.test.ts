import type { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import {
  callerRowKey,
  createTableLimitsStore,
  LIMITS_PARTITION,
  targetRowKey,
} from '../../../src/lib/limits/limits-store';
import type { ActionRequest } from '../../../src/lib/recovery/run-action';
import { testCaller } from '../../support/callers';
import { recordingLimits } from '../../support/recording-limits';
import { useAzurite } from './azurite-fixture';

const fixture = useAzurite();
const settings = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).limits;
const user = (n: number) => `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`;
const target = (n: number) => ({
  id: user(n),
  userPrincipalName: `user${n}@contoso.com`,
  groupIds: new Set<string>(),
});
/** A caller id with characters Table keys forbid. */
const CALLER = 'user:3f1c/2d4e#?';

const request = (action: ActionRequest['action'] = 'tap.issue', callerId = CALLER): ActionRequest => ({
  action,
  user: { kind: 'upn', upn: 'someone@contoso.com' },
  input: { ticket: 'INC1', verification: { method: 'video_call', reference: 'r' } },
  caller: testCaller({ id: callerId }),
  correlationId: 'c1',
  idempotency: { key: 'k', scope: 's', fingerprint: 'f' },
});

/** Two instances of the app: each its own store and limits over the same table. */
function instance(table: TableClient, overrides: Partial<typeof settings> = {}) {
  const store = createTableLimitsStore({ table: () => Promise.resolve(table) });
  return { store, ...recordingLimits(store, { ...settings, ...overrides }) };
}

async function row(table: TableClient, rowKey: string) {
  return await table.getEntity<Record<string, unknown>>(LIMITS_PARTITION, rowKey);
}

describe('limits in Table Storage', () => {
  it('of 40 concurrent TAPs over 40 users on two instances, exactly BRAKE_USERS get through, and one trip is reported', async () => {
    const table = await fixture.freshTable();
    const [a, b] = [instance(table), instance(table)];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, n) => (n % 2 ? a : b).limits.begin(request()).admit(target(n))),
    );
    expect(results.filter((result) => result === undefined)).toHaveLength(settings.brakeUsers);
    expect(new Set(results.filter(Boolean).map((result) => result?.code))).toEqual(
      new Set(['brake_engaged']),
    );
    expect(
      [...a.events, ...b.events].filter((event) => event.type === 'security.brake_engaged'),
    ).toHaveLength(1);
    const brake = await row(table, 'brake');
    expect(brake.engaged).toBe(true);
    expect(JSON.parse(brake.recent as string)).toHaveLength(settings.brakeUsers);
    // Never lost, never doubled: the caller's row holds one instant per admitted call.
    expect(JSON.parse((await row(table, callerRowKey(CALLER))).calls as string)).toHaveLength(
      settings.brakeUsers,
    );
    expect((await row(table, callerRowKey(CALLER))).callerId).toBe(CALLER);
  });

  it('of 30 concurrent calls by one caller with room for 25, exactly 25 are admitted and counted', async () => {
    const table = await fixture.freshTable();
    const [a, b] = [
      instance(table, { callerCallsPerWindow: 25 }),
      instance(table, { callerCallsPerWindow: 25 }),
    ];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        (n % 2 ? a : b).limits.begin(request('sessions.revoke')).admit(target(n)),
      ),
    );
    expect(results.filter((result) => result === undefined)).toHaveLength(25);
    expect(results.filter((result) => result?.code === 'caller_rate_limited')).toHaveLength(5);
    expect(JSON.parse((await row(table, callerRowKey(CALLER))).calls as string)).toHaveLength(25);
  });

  it('counts concurrent TAPs for one user named by UPN: the limit holds though the row is created by a race', async () => {
    const table = await fixture.freshTable();
    const [a, b] = [instance(table), instance(table)];
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => (n % 2 ? a : b).limits.begin(request()).admit(target(7))),
    );
    expect(results.filter((result) => result === undefined)).toHaveLength(settings.tapsPerTarget);
    expect(results.filter((result) => result?.code === 'target_rate_limited')).toHaveLength(
      8 - settings.tapsPerTarget,
    );
    expect(JSON.parse((await row(table, targetRowKey(user(7)))).taps as string)).toHaveLength(
      settings.tapsPerTarget,
    );
  });

  it('keeps the brake engaged for a new instance until released; the release starts the window afresh', async () => {
    const table = await fixture.freshTable();
    const first = instance(table, { brakeUsers: 1 });
    expect(await first.limits.begin(request()).admit(target(1))).toBeUndefined();
    expect((await first.limits.begin(request()).admit(target(2)))?.code).toBe('brake_engaged');
    const restarted = instance(table, { brakeUsers: 1 });
    expect((await restarted.limits.begin(request('sessions.revoke')).admit(target(3)))?.code).toBe(
      'brake_engaged',
    );
    expect(await restarted.store.releaseBrake('user:admin')).toMatchObject({ wasEngaged: true });
    expect(await restarted.store.releaseBrake('user:admin')).toEqual({ wasEngaged: false });
    expect((await row(table, 'brake')).releasedBy).toBe('user:admin');
    expect(await restarted.limits.begin(request()).admit(target(2))).toBeUndefined();
  });

  it('stores the kill switch for every instance', async () => {
    const table = await fixture.freshTable();
    const [a, b] = [instance(table), instance(table)];
    expect(await b.store.readState()).toMatchObject({ writes: { enabled: true }, brake: { engaged: false } });
    await a.store.setWrites(false, 'user:admin');
    expect((await b.limits.begin(request()).admit(target(1)))?.code).toBe('service_disabled');
    expect((await b.store.readState()).writes).toMatchObject({ enabled: false, changedBy: 'user:admin' });
    await a.store.setWrites(true, 'user:admin');
    expect(await b.limits.begin(request()).admit(target(1))).toBeUndefined();
  });
});
