import { describe, expect, it } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import { markAbandonedAttempts } from '../../../src/lib/storage/abandoned-attempts';
import { type AuditAttempt, type AuditLog, createTableAuditLog } from '../../../src/lib/storage/audit-log';
import { manualClock, useAzurite } from './azurite-fixture';

const fixture = useAzurite();

const MINUTE = 60_000;
// docs/outcomes.md, "Attempts that never finished": started rows of the last 7 days, older than 15 minutes.
const ABANDONED_AFTER_MS = 15 * MINUTE;
const LOOKBACK_MS = 7 * 24 * 60 * MINUTE;
const attempt = (targetId: string): AuditAttempt => ({
  action: 'mfa.reset',
  targetId,
  caller: 'servicenow-prod',
  ticket: 'INC0012345',
  correlationId: `corr-${targetId}`,
});
const target = (n: number) => `3f1c2d4e-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function setup() {
  const table = await fixture.freshTable();
  const clock = manualClock(new Date('2026-03-02T12:00:00.000Z'));
  const audit = createTableAuditLog({ table: () => Promise.resolve(table), now: clock.now });
  return { clock, audit };
}

const outcomeOf = async (audit: AuditLog, id: string) =>
  (await audit.list({ limit: 100 })).entries.find((entry) => entry.id === id);

describe('markAbandonedAttempts', () => {
  it('marks a started row older than 15 minutes unknown/abandoned and leaves younger and finished rows alone', async () => {
    const { clock, audit } = await setup();
    const old = await audit.start(attempt(target(1)));
    const finished = await audit.start(attempt(target(2)));
    await audit.complete(finished, { outcome: 'succeeded' });
    clock.advance(ABANDONED_AFTER_MS - 2 * MINUTE);
    const young = await audit.start(attempt(target(3)));
    clock.advance(2 * MINUTE + 1);

    const report = await markAbandonedAttempts(audit, clock.now());

    expect(report).toEqual({ found: 1, marked: 1, raced: 0 });
    expect(await outcomeOf(audit, old.id)).toMatchObject({
      outcome: 'unknown',
      code: 'abandoned',
      completedTime: clock.now().toISOString(),
      ticket: 'INC0012345',
    });
    // Unknown, not failed: what the attempt changed is not known (docs/outcomes.md).
    expect((await outcomeOf(audit, old.id))?.detail).toContain(
      "What it changed is unknown: read the user's methods before acting again.",
    );
    expect((await outcomeOf(audit, finished.id))?.outcome).toBe('succeeded');
    expect((await outcomeOf(audit, young.id))?.outcome).toBe('started');
  });

  it('a row exactly 15 minutes old may still be finishing: it is left started', async () => {
    const { clock, audit } = await setup();
    const entry = await audit.start(attempt(target(1)));
    clock.advance(ABANDONED_AFTER_MS);
    expect(await markAbandonedAttempts(audit, clock.now())).toEqual({ found: 0, marked: 0, raced: 0 });
    expect((await outcomeOf(audit, entry.id))?.outcome).toBe('started');
  });

  it('reads every page: 130 abandoned rows are all marked', async () => {
    const { clock, audit } = await setup();
    for (let n = 0; n < 130; n += 1) {
      await audit.start(attempt(target(n)));
      clock.advance(1);
    }
    clock.advance(ABANDONED_AFTER_MS + MINUTE);
    expect(await markAbandonedAttempts(audit, clock.now())).toEqual({ found: 130, marked: 130, raced: 0 });
    expect((await audit.list({ outcome: 'started', limit: 100 })).entries).toEqual([]);
  });

  it('looks back 7 days: an older started row is not read, one just inside them is marked', async () => {
    const { clock, audit } = await setup();
    const ancient = await audit.start(attempt(target(1)));
    clock.advance(2 * MINUTE);
    const weekOld = await audit.start(attempt(target(2)));
    clock.advance(LOOKBACK_MS - MINUTE);
    expect(await markAbandonedAttempts(audit, clock.now())).toEqual({ found: 1, marked: 1, raced: 0 });
    expect((await outcomeOf(audit, ancient.id))?.outcome).toBe('started');
    expect((await outcomeOf(audit, weekOld.id))?.outcome).toBe('unknown');
  });

  it('a store failure while marking is no race: the run fails, and the row is left for the next run', async () => {
    const { clock, audit } = await setup();
    const entry = await audit.start(attempt(target(1)));
    clock.advance(ABANDONED_AFTER_MS + MINUTE);
    const down = new AppError('audit_unavailable', 'The audit log could not complete the entry.');
    const failing: AuditLog = { ...audit, complete: () => Promise.reject(down) };
    await expect(markAbandonedAttempts(failing, clock.now())).rejects.toBe(down);
    expect((await outcomeOf(audit, entry.id))?.outcome).toBe('started');
  });

  it('a row its own request completes between the read and the write counts as a race, keeping that outcome', async () => {
    const { clock, audit } = await setup();
    const entry = await audit.start(attempt(target(1)));
    clock.advance(ABANDONED_AFTER_MS + MINUTE);
    // The request completes its row after the timer listed it.
    const racing: AuditLog = {
      ...audit,
      list: async (query) => {
        const page = await audit.list(query);
        await audit.complete(entry, { outcome: 'succeeded' });
        return page;
      },
    };
    expect(await markAbandonedAttempts(racing, clock.now())).toEqual({ found: 1, marked: 0, raced: 1 });
    expect((await outcomeOf(audit, entry.id))?.outcome).toBe('succeeded');
  });
});
