import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { FailureAggregator, type UserFailures } from '../../../src/lib/detection/aggregate';
import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { type FlagCounts, type FlagWriterDeps, writeFlags } from '../../../src/lib/detection/write-flags';
import { memoryLockoutStore, recorders } from './memory-stores';
import { signIn } from './sign-ins';

// The write phase of a scan (writeFlags) on an in-memory lockout table: what it announces, what it
// writes, whom it asks about protection, and how it handles a flag another run changed meanwhile.

const NOW = new Date('2026-11-25T12:00:00Z');
const HORIZON = new Date('2026-11-25T08:00:00Z');
const USER = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const TIMED_OUT = 'MFA denied; user did not respond to mobile app notification';
const DECLINED = 'MFA denied; user declined the authentication';
/** A UUID-shaped id (version nibble 5, variant a), as derived for overlapping runs to agree on. */
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/;

const settings = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).detection;

let minute = 0;
function failures(userId: string, count: number, details = TIMED_OUT): UserFailures[] {
  const aggregator = new FailureAggregator(10);
  for (let i = 0; i < count; i += 1) {
    minute += 1;
    aggregator.add(
      signIn({
        userId,
        userPrincipalName: `${userId.slice(0, 4)}@contoso.com`,
        createdDateTime: new Date(Date.parse('2026-11-25T10:00:00Z') + minute * 1000).toISOString(),
        details,
      }),
    );
  }
  return aggregator.results();
}

const zero = (): FlagCounts => ({ opened: 0, reopened: 0, updated: 0, writes: 0, conflicts: 0 });

function writer(options: { protectedIds?: string[]; interfere?: (flag: LockoutFlag) => void } = {}) {
  const table = memoryLockoutStore({ interfere: options.interfere });
  const record = recorders();
  const asked: string[][] = [];
  const deps: FlagWriterDeps = {
    lockouts: table.store,
    lockoutEvents: record.lockoutEvents,
    notify: record.notify,
    settings,
    protectedUsers: (ids) => {
      asked.push([...ids]);
      return Promise.resolve(new Set((options.protectedIds ?? []).filter((id) => ids.includes(id))));
    },
  };
  const run = async (users: UserFailures[]) => {
    const counts = zero();
    await writeFlags(deps, users, { horizon: HORIZON, now: () => NOW, counts });
    return counts;
  };
  return { deps, table, ...record, asked, run };
}

describe('writeFlags', () => {
  it('opens a flag and announces it once on lockout-events', async () => {
    const w = writer();
    const counts = await w.run(failures(USER, 3));
    expect(counts).toEqual({ opened: 1, reopened: 0, updated: 0, writes: 1, conflicts: 0 });
    const flag = w.table.rows.get(USER);
    expect(flag).toMatchObject({ status: 'open', category: 'lockout', lockoutAttempts: 3, reopenCount: 0 });
    expect(w.events).toEqual([
      {
        schemaVersion: 1,
        eventId: flag?.openEventId,
        type: 'lockout.opened',
        time: NOW.toISOString(),
        userId: USER,
        userPrincipalName: '1111@contoso.com',
        category: 'lockout',
        protected: false,
        lockoutAttempts: 3,
        attackAttempts: 0,
        firstFailureAt: flag?.firstFailureAt,
        lastFailureAt: flag?.lastFailureAt,
      },
    ]);
    expect(flag?.openEventId).toMatch(EVENT_ID);
    expect(w.notices).toEqual([]);
  });

  it('derives the same eventId for the same opening, whichever run writes it', async () => {
    const users = failures(USER, 3);
    const a = writer();
    const b = writer();
    await a.run(users);
    await b.run(users);
    expect(a.events[0]?.eventId).toBe(b.events[0]?.eventId);
  });

  it('leaves out a UPN Graph did not give', async () => {
    const w = writer();
    const users = failures(USER, 3).map((user) => ({ ...user, userPrincipalName: undefined }));
    await w.run(users);
    expect(w.events[0]).not.toHaveProperty('userPrincipalName');
  });

  it('asks about protection only for users whose flag may open now, and marks theirs', async () => {
    const w = writer({ protectedIds: [USER] });
    const below = '33333333-3333-4333-8333-333333333333';
    await w.run([...failures(USER, 3), ...failures(below, 2), ...failures(OTHER, 1, DECLINED)]);
    expect(w.asked).toEqual([[USER, OTHER]]);
    expect(w.table.rows.get(USER)?.protected).toBe(true);
    expect(w.events.find((event) => event.userId === USER)?.protected).toBe(true);
    expect(w.table.rows.get(OTHER)?.protected).toBe(false);
  });

  it('does not ask about a user whose flag is still open', async () => {
    const w = writer();
    await w.run(failures(USER, 3));
    w.asked.length = 0;
    await w.run(failures(USER, 3));
    expect(w.asked).toEqual([[]]);
  });

  it('announces a suspected attack to security operations too', async () => {
    const w = writer();
    await w.run(failures(OTHER, 1, DECLINED));
    const flag = w.table.rows.get(OTHER);
    expect(w.events[0]).toMatchObject({ type: 'lockout.opened', category: 'suspected_attack' });
    expect(w.notices).toEqual([
      {
        type: 'security.mfa_attack_suspected',
        eventId: flag?.openEventId,
        targetId: OTHER,
        targetUpn: '2222@contoso.com',
        details: {
          eventId: flag?.openEventId,
          attackAttempts: 1,
          lastFailureAt: flag?.lastFailureAt,
          protected: false,
        },
      },
    ]);
  });

  it('leaves the UPN out of the notice when there is none', async () => {
    const w = writer();
    await w.run(failures(OTHER, 1, DECLINED).map((user) => ({ ...user, userPrincipalName: undefined })));
    expect(w.notices[0]).not.toHaveProperty('targetUpn');
  });

  it('updates an open flag quietly', async () => {
    const w = writer();
    await w.run(failures(USER, 3));
    const counts = await w.run(failures(USER, 2));
    expect(counts).toEqual({ opened: 0, reopened: 0, updated: 1, writes: 1, conflicts: 0 });
    expect(w.table.rows.get(USER)?.lockoutAttempts).toBe(5);
    expect(w.events).toHaveLength(1);
  });

  it('writes nothing for failures already counted', async () => {
    const w = writer();
    const users = failures(USER, 3);
    await w.run(users);
    expect(await w.run(users)).toEqual(zero());
  });

  it('announces an escalation of an open lockout flag with its own eventId', async () => {
    const w = writer();
    await w.run(failures(USER, 3));
    const openEventId = w.table.rows.get(USER)?.openEventId;
    const counts = await w.run(failures(USER, 1, DECLINED));
    expect(counts.updated).toBe(1);
    const [, escalated] = w.events;
    expect(escalated).toMatchObject({
      type: 'lockout.escalated',
      time: NOW.toISOString(),
      category: 'suspected_attack',
      lockoutAttempts: 3,
      attackAttempts: 1,
    });
    expect(escalated?.eventId).toMatch(EVENT_ID);
    expect(escalated?.eventId).not.toBe(openEventId);
    expect(w.notices).toEqual([expect.objectContaining({ eventId: escalated?.eventId, targetId: USER })]);
  });

  it('re-opens a resolved flag with a new eventId', async () => {
    const w = writer();
    await w.run(failures(USER, 3));
    const first = w.table.rows.get(USER);
    if (!first) throw new Error('no flag');
    w.table.seed({ ...first, status: 'resolved', resolvedAt: '2026-11-25T09:00:00.000Z' });
    const counts = await w.run(failures(USER, 3));
    expect(counts).toMatchObject({ reopened: 1, writes: 1 });
    expect(w.events.map((event) => event.type)).toEqual(['lockout.opened', 'lockout.reopened']);
    expect(w.events[1]?.eventId).toMatch(EVENT_ID);
    expect(w.events[1]?.eventId).not.toBe(first.openEventId);
    expect(w.table.rows.get(USER)?.reopenCount).toBe(1);
  });

  it('writes a hundred flags a transaction', async () => {
    const w = writer();
    const users = Array.from({ length: 150 }, (_, i) =>
      failures(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, 3),
    ).flat();
    const counts = await w.run(users);
    expect([...w.table.putManyCalls].sort((a, b) => a - b)).toEqual([50, 100]);
    expect(counts).toMatchObject({ opened: 150, writes: 150 });
    expect(w.events).toHaveLength(150);
  });

  it('re-reads and re-decides a flag another run wrote meanwhile, counting nothing twice', async () => {
    let raced = false;
    const w = writer({
      interfere: (flag) => {
        if (raced) return;
        raced = true;
        // An overlapping run wrote the same attempts first.
        w.table.seed(flag);
      },
    });
    const counts = await w.run(failures(USER, 3));
    expect(counts).toEqual({ opened: 0, reopened: 0, updated: 0, writes: 1, conflicts: 1 });
    expect(w.table.rows.get(USER)?.lockoutAttempts).toBe(3);
  });

  it('writes its own change on top of another run’s after losing the race', async () => {
    let raced = false;
    const w = writer({
      interfere: () => {
        if (raced) return;
        raced = true;
        w.table.seed({ ...(w.table.rows.get(USER) as LockoutFlag), updatedAt: 'another run' });
      },
    });
    w.table.seed({
      userId: USER,
      category: 'lockout',
      status: 'open',
      protected: false,
      lockoutAttempts: 3,
      attackAttempts: 0,
      firstFailureAt: '2026-11-25T09:00:00.000Z',
      lastFailureAt: '2026-11-25T09:05:00.000Z',
      recentEvents: [],
      countedAttempts: [],
      openedAt: '2026-11-25T09:10:00.000Z',
      updatedAt: '2026-11-25T09:10:00.000Z',
      openEventId: 'e1',
      reopenCount: 0,
    });
    const counts = await w.run(failures(USER, 2));
    expect(counts).toEqual({ opened: 0, reopened: 0, updated: 1, writes: 2, conflicts: 1 });
    expect(w.table.rows.get(USER)).toMatchObject({ lockoutAttempts: 5, updatedAt: NOW.toISOString() });
  });

  it('gives up on a flag that keeps changing after five attempts', async () => {
    const w = writer({
      interfere: (flag) => {
        const current = w.table.rows.get(flag.userId);
        if (current) w.table.seed({ ...current });
        else w.table.seed({ ...flag, countedAttempts: [] });
      },
    });
    await expect(w.run(failures(USER, 3))).rejects.toThrow(
      `Lockout flag for ${USER} kept changing; gave up after 5 attempts.`,
    );
  });
});
