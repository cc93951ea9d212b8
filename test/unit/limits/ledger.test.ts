import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { decide, type LimitSnapshot } from '../../../src/lib/limits/ledger';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-02T10:00:00Z');
const defaults = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).limits;
const USER = 'aaaaaaaa-0000-4000-8000-000000000001';
const user = (n: number) => `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`;

const empty = (): LimitSnapshot => ({
  writes: { enabled: true },
  brake: { engaged: false, recent: [] },
  caller: { calls: [] },
  target: { taps: [], resets: [] },
});
const tap = { countedAs: 'tap' as const, targetId: USER, now: NOW };

describe('limit decisions', () => {
  it('uses the documented defaults: 3 TAPs and 3 resets a day per user, 60 calls an hour per caller, 10 users in 10 minutes', () => {
    expect(defaults).toMatchObject({
      writesEnabled: true,
      enabled: true,
      tapsPerTarget: 3,
      resetsPerTarget: 3,
      targetWindowMs: 24 * HOUR,
      callerCallsPerWindow: 60,
      callerWindowMs: HOUR,
      brakeUsers: 10,
      brakeWindowMs: 10 * 60_000,
    });
  });

  it('admits a first TAP and counts it for the caller, the target and the brake', () => {
    expect(decide(empty(), tap, defaults)).toEqual({
      kind: 'admit',
      caller: { calls: [NOW] },
      target: { taps: [NOW], resets: [] },
      brake: { engaged: false, recent: [{ user: USER, at: NOW }] },
    });
  });

  it('refuses everything when RECOVERY_WRITES_ENABLED is false, and when the stored switch is off', () => {
    const off = decide(empty(), tap, { ...defaults, writesEnabled: false });
    expect(off).toMatchObject({ kind: 'refuse', code: 'service_disabled' });
    expect(off.kind === 'refuse' && off.detail).toContain('RECOVERY_WRITES_ENABLED');
    const stored = decide({ ...empty(), writes: { enabled: false } }, tap, defaults);
    expect(stored).toMatchObject({ kind: 'refuse', code: 'service_disabled' });
    // The switch holds even with the limits off.
    expect(
      decide({ ...empty(), writes: { enabled: false } }, tap, { ...defaults, enabled: false }),
    ).toMatchObject({
      code: 'service_disabled',
    });
  });

  it('refuses every call, counted or not, while the brake is engaged', () => {
    const engaged = { ...empty(), brake: { engaged: true, trippedAt: 'x', recent: [] } };
    for (const countedAs of ['tap', 'reset', 'other'] as const) {
      expect(decide(engaged, { ...tap, countedAs }, defaults)).toMatchObject({
        kind: 'refuse',
        code: 'brake_engaged',
      });
    }
  });

  it('admits with no writes when the limits are switched off', () => {
    expect(decide(empty(), tap, { ...defaults, enabled: false })).toEqual({ kind: 'admit' });
  });

  it('refuses the fourth TAP for one user within 24 h, with Retry-After until the oldest leaves the window', () => {
    const snapshot = {
      ...empty(),
      target: { taps: [NOW - 20 * HOUR, NOW - 2 * HOUR, NOW - HOUR], resets: [] },
    };
    expect(decide(snapshot, tap, defaults)).toEqual({
      kind: 'refuse',
      code: 'target_rate_limited',
      detail: expect.stringContaining('3 Temporary Access Passes') as unknown,
      retryAfterSeconds: 4 * 3600,
    });
    // Resets are counted apart from TAPs.
    expect(decide(snapshot, { ...tap, countedAs: 'reset' }, defaults)).toMatchObject({ kind: 'admit' });
    // An instant older than the window no longer counts.
    const older = {
      ...snapshot,
      target: { taps: [NOW - 24 * HOUR, NOW - 2 * HOUR, NOW - HOUR], resets: [] },
    };
    expect(decide(older, tap, defaults)).toMatchObject({
      kind: 'admit',
      target: { taps: [NOW - 2 * HOUR, NOW - HOUR, NOW], resets: [] },
    });
  });

  it('refuses the fourth reset of one user with its own setting', () => {
    const snapshot = { ...empty(), target: { taps: [], resets: [NOW - 3, NOW - 2, NOW - 1] } };
    expect(decide(snapshot, { ...tap, countedAs: 'reset' }, defaults)).toMatchObject({
      code: 'target_rate_limited',
      retryAfterSeconds: 24 * 3600,
    });
    expect(
      decide(snapshot, { ...tap, countedAs: 'reset' }, { ...defaults, resetsPerTarget: 4 }),
    ).toMatchObject({
      kind: 'admit',
    });
  });

  it('counts a one-call recovery as a reset and a TAP, refused when either count is full', () => {
    const recover = { ...tap, countedAs: 'recover' as const };
    expect(decide(empty(), recover, defaults)).toMatchObject({
      kind: 'admit',
      target: { taps: [NOW], resets: [NOW] },
      brake: { recent: [{ user: USER, at: NOW }] },
    });
    const full = [NOW - 3, NOW - 2, NOW - 1];
    for (const target of [
      { taps: full, resets: [] },
      { taps: [], resets: full },
    ]) {
      expect(decide({ ...empty(), target }, recover, defaults)).toMatchObject({
        code: 'target_rate_limited',
        retryAfterSeconds: 24 * 3600,
      });
    }
  });

  it('refuses the caller past its hourly count, for any mutating call, with Retry-After', () => {
    const calls = Array.from({ length: 60 }, (_, i) => NOW - 30 * 60_000 + i);
    const decision = decide(
      { ...empty(), caller: { calls, etag: 'e' } },
      { ...tap, countedAs: 'other' },
      defaults,
    );
    expect(decision).toMatchObject({
      kind: 'refuse',
      code: 'caller_rate_limited',
      retryAfterSeconds: 30 * 60,
    });
    const fewer = decide(
      { ...empty(), caller: { calls: calls.slice(1), etag: 'e' } },
      { ...tap, countedAs: 'other' },
      defaults,
    );
    expect(fewer).toEqual({ kind: 'admit', caller: { calls: [...calls.slice(1), NOW], etag: 'e' } });
  });

  it('trips the brake on the eleventh distinct user within 10 minutes, and not on a user already counted', () => {
    const recent = Array.from({ length: 10 }, (_, i) => ({ user: user(i), at: NOW - 9 * 60_000 + i }));
    const snapshot = { ...empty(), brake: { engaged: false, recent, etag: 'b1' } };
    expect(decide(snapshot, tap, defaults)).toEqual({
      kind: 'trip',
      distinctUsers: 11,
      brake: { engaged: true, trippedAt: new Date(NOW).toISOString(), recent, etag: 'b1' },
    });
    const again = decide(snapshot, { ...tap, targetId: user(3) }, defaults);
    expect(again).toMatchObject({ kind: 'admit' });
    expect(again.kind === 'admit' && again.brake?.recent).toHaveLength(10);
    // Users recovered more than 10 minutes ago have left the window.
    const stale = {
      ...snapshot,
      brake: { ...snapshot.brake, recent: [{ user: user(0), at: NOW - 10 * 60_000 }, ...recent.slice(1)] },
    };
    expect(decide(stale, tap, defaults)).toMatchObject({ kind: 'admit', brake: { engaged: false } });
  });

  it('counts a call that is not a TAP or reset for the caller only', () => {
    const recent = Array.from({ length: 10 }, (_, i) => ({ user: user(i), at: NOW - i }));
    const full = { ...empty(), brake: { engaged: false, recent } };
    expect(decide(full, { ...tap, countedAs: 'other' }, defaults)).toEqual({
      kind: 'admit',
      caller: { calls: [NOW] },
    });
  });
});
