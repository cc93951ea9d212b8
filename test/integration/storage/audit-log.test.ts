import type { TableClient } from '@azure/data-tables';
import { describe, expect, it, vi } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import { type AuditAttempt, createTableAuditLog } from '../../../src/lib/storage/audit-log';
import { SecretLeakError } from '../../../src/lib/storage/secret-guard';
import { StorageConflictError } from '../../../src/lib/storage/storage-errors';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { deadStorage, manualClock, NO_CREDENTIAL, recordRequests, useAzurite } from './azurite-fixture';

const fixture = useAzurite();

const USER_A = '3f1c2d4e-0000-4000-8000-00000000000a';
const USER_B = '3f1c2d4e-0000-4000-8000-00000000000b';

const attempt = (overrides: Partial<AuditAttempt> = {}): AuditAttempt => ({
  action: 'mfa.reset',
  targetId: USER_A,
  targetUpn: 'ada@contoso.example',
  caller: 'servicenow-prod',
  ticket: 'INC0012345',
  reason: 'lost phone',
  verification: { method: 'verified_id', reference: 'vid-presentation-7' },
  correlationId: 'corr-1',
  ...overrides,
});

async function rows(table: TableClient) {
  const all: Record<string, unknown>[] = [];
  for await (const row of table.listEntities()) all.push(row);
  return all;
}

async function setup() {
  const table = await fixture.freshTable();
  const clock = manualClock();
  return {
    table,
    clock,
    audit: createTableAuditLog({ table: () => Promise.resolve(table), now: clock.now }),
  };
}

describe('audit log: start and complete', () => {
  it('writes a started row before completion, then moves it once to its outcome', async () => {
    const { table, clock, audit } = await setup();
    const started = await audit.start(attempt());
    expect(started).toMatchObject({
      outcome: 'started',
      graphRequestIds: [],
      time: clock.now().toISOString(),
    });
    const [stored] = await rows(table);
    expect(stored).toMatchObject({
      outcome: 'started',
      caller: 'servicenow-prod',
      ticket: 'INC0012345',
      verificationMethod: 'verified_id',
      verificationReference: 'vid-presentation-7',
      targetId: USER_A,
    });

    clock.advance(1500);
    const completed = await audit.complete(started, {
      outcome: 'succeeded',
      graphRequestIds: ['req-1', 'req-2'],
      summary: { removed: ['phone', 'fido2'], remaining: [] },
    });
    expect(completed).toEqual({
      ...started,
      outcome: 'succeeded',
      graphRequestIds: ['req-1', 'req-2'],
      completedTime: clock.now().toISOString(),
      summary: { removed: ['phone', 'fido2'], remaining: [] },
    });
    const after = await rows(table);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ outcome: 'succeeded', graphRequestIds: '["req-1","req-2"]' });
    const { entries } = await audit.list({});
    expect(entries).toEqual([completed]);
  });

  it('refuses a second completion of the same entry', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    await audit.complete(started, { outcome: 'failed', code: 'graph_unavailable' });
    await expect(audit.complete(started, { outcome: 'succeeded' })).rejects.toBeInstanceOf(
      StorageConflictError,
    );
    const { entries } = await audit.list({});
    expect(entries.map((entry) => [entry.outcome, entry.code])).toEqual([['failed', 'graph_unavailable']]);
  });

  it('lets exactly one of several concurrent completions win (ETag)', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    const outcomes = ['succeeded', 'failed', 'partial', 'unknown', 'succeeded', 'failed'] as const;
    const results = await Promise.allSettled(outcomes.map((outcome) => audit.complete(started, { outcome })));
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(StorageConflictError);
    }
    const { entries } = await audit.list({});
    expect(entries).toHaveLength(1);
    expect(entries[0]!.outcome).toBe(won[0]!.value.outcome);
  });

  it('keeps the stored attempt: a completion cannot rewrite who asked for what', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    const completed = await audit.complete(
      { ...started, caller: 'someone-else', ticket: 'INC-FORGED' },
      { outcome: 'succeeded' },
    );
    expect(completed).toMatchObject({ caller: 'servicenow-prod', ticket: 'INC0012345' });
  });

  it('treats completing an entry that was never written as a conflict', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    await expect(
      audit.complete({ ...started, id: '00000000-0000-4000-8000-000000000000' }, { outcome: 'succeeded' }),
    ).rejects.toBeInstanceOf(StorageConflictError);
  });

  it('records a refusal in one write', async () => {
    const { table, clock, audit } = await setup();
    const entry = await audit.refused(
      attempt({ action: 'tap.issue' }),
      'protected_account',
      'Global Administrator',
    );
    expect(entry).toMatchObject({
      outcome: 'refused',
      action: 'tap.issue',
      code: 'protected_account',
      detail: 'Global Administrator',
      completedTime: clock.now().toISOString(),
    });
    const stored = await rows(table);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ outcome: 'refused', code: 'protected_account' });
  });
});

describe('audit log: bounds', () => {
  it('truncates detail, caps Graph request ids and replaces an oversized summary', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    const ids = Array.from({ length: 150 }, (_, index) => `req-${index}`);
    const completed = await audit.complete(started, {
      outcome: 'partial',
      detail: 'x'.repeat(10_000),
      graphRequestIds: ids,
      summary: { blob: 'y'.repeat(20_000) },
    });
    expect(completed.detail).toHaveLength(2000);
    expect(completed.graphRequestIds).toEqual(ids.slice(0, 100));
    expect(completed.summary).toEqual({
      truncated: true,
      bytes: JSON.stringify({ blob: 'y'.repeat(20_000) }).length,
    });
    const { entries } = await audit.list({});
    expect(entries).toEqual([completed]);
  });

  it('stores a 16 KiB summary as it is', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    const summary = { blob: 'y'.repeat(16 * 1024 - 20) };
    const completed = await audit.complete(started, { outcome: 'succeeded', summary });
    expect(completed.summary).toEqual(summary);
  });
});

describe('audit log: no Temporary Access Pass is ever written (threat model: TAP leakage)', () => {
  it('refuses a summary carrying a pass and leaves the row started', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt({ action: 'tap.issue' }));
    await expect(
      audit.complete(started, {
        outcome: 'succeeded',
        summary: { tap: { temporaryAccessPass: 'Xk7#pQ2!' } },
      }),
    ).rejects.toBeInstanceOf(SecretLeakError);
    await expect(
      audit.complete(started, {
        outcome: 'succeeded',
        detail: 'graph said {"temporaryAccessPass":"Xk7#pQ2!"}',
      }),
    ).rejects.toBeInstanceOf(SecretLeakError);
    const { entries } = await audit.list({});
    expect(entries.map((entry) => entry.outcome)).toEqual(['started']);
    expect(JSON.stringify(entries)).not.toContain('Xk7#pQ2!');
  });

  it('refuses an attempt whose text carries a pass, before writing anything', async () => {
    const { table, audit } = await setup();
    await expect(audit.start(attempt({ reason: 'temporaryAccessPass=Xk7pQ2ab' }))).rejects.toBeInstanceOf(
      SecretLeakError,
    );
    await expect(rows(table)).resolves.toEqual([]);
  });

  it('accepts a summary whose pass is null', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt({ action: 'tap.issue' }));
    const summary = { tap: { id: 'tap-1', temporaryAccessPass: null, passDisclosed: true } };
    await expect(audit.complete(started, { outcome: 'succeeded', summary })).resolves.toMatchObject({
      summary,
    });
  });
});

describe('audit log: list', () => {
  /** Seven entries a minute apart: users A/B alternating, two of them tap.issue. */
  async function seeded() {
    const context = await setup();
    const written = [];
    for (let index = 0; index < 7; index++) {
      const entry = await context.audit.start(
        attempt({
          targetId: index % 2 === 0 ? USER_A : USER_B,
          action: index === 2 || index === 5 ? 'tap.issue' : 'mfa.reset',
          correlationId: `corr-${index}`,
        }),
      );
      written.push(entry);
      context.clock.advance(60_000);
    }
    return { ...context, newestFirst: written.reverse() };
  }

  it('returns newest first and pages with a continuation token', async () => {
    const { audit, newestFirst } = await seeded();
    const first = await audit.list({ limit: 3 });
    expect(first.entries).toEqual(newestFirst.slice(0, 3));
    expect(first.continuationToken).toEqual(expect.any(String));
    const second = await audit.list({ limit: 3, continuationToken: first.continuationToken! });
    expect(second.entries).toEqual(newestFirst.slice(3, 6));
    const third = await audit.list({ limit: 3, continuationToken: second.continuationToken! });
    expect(third.entries).toEqual(newestFirst.slice(6));
    expect(third.continuationToken).toBeUndefined();
  });

  it('gives no token when the last page is exactly full', async () => {
    const { audit, newestFirst } = await seeded();
    const all = await audit.list({ limit: 7 });
    expect(all.entries).toEqual(newestFirst);
    expect(all.continuationToken).toBeUndefined();
    expect((await audit.list({})).entries).toHaveLength(7);
  });

  it('orders entries within one millisecond deterministically and keeps them all across pages', async () => {
    const { audit } = await setup();
    const same = await Promise.all(Array.from({ length: 5 }, () => audit.start(attempt())));
    const pages = [];
    let token: string | undefined;
    do {
      const page = await audit.list({ limit: 2, ...(token ? { continuationToken: token } : {}) });
      pages.push(...page.entries);
      token = page.continuationToken;
    } while (token);
    expect(pages.map((entry) => entry.id).sort()).toEqual(same.map((entry) => entry.id).sort());
  });

  it('filters by user, action and since, alone and together, and pages within a filter', async () => {
    const { audit, newestFirst, clock } = await seeded();
    const ofA = newestFirst.filter((entry) => entry.targetId === USER_A);
    expect((await audit.list({ userId: USER_A })).entries).toEqual(ofA);
    expect((await audit.list({ userId: USER_A.toUpperCase() })).entries).toEqual(ofA);
    expect((await audit.list({ action: 'tap.issue' })).entries).toEqual(
      newestFirst.filter((entry) => entry.action === 'tap.issue'),
    );
    // `since` is inclusive: the entry written exactly then is in.
    const since = new Date(newestFirst[2]!.time);
    expect((await audit.list({ since })).entries).toEqual(newestFirst.slice(0, 3));
    expect((await audit.list({ since: new Date(since.getTime() + 1) })).entries).toEqual(
      newestFirst.slice(0, 2),
    );
    expect((await audit.list({ since: clock.now() })).entries).toEqual([]);
    expect((await audit.list({ userId: USER_A, action: 'mfa.reset', since: new Date(0) })).entries).toEqual(
      ofA.filter((entry) => entry.action === 'mfa.reset'),
    );

    const first = await audit.list({ userId: USER_A, limit: 2 });
    const rest = await audit.list({ userId: USER_A, limit: 2, continuationToken: first.continuationToken! });
    expect([...first.entries, ...rest.entries]).toEqual(ofA);
    expect(rest.continuationToken).toBeUndefined();
  });

  it('filters by outcome, for the reconciler of dangling started rows', async () => {
    const { audit, newestFirst } = await seeded();
    await audit.complete(newestFirst[0]!, { outcome: 'succeeded' });
    const dangling = await audit.list({ outcome: 'started' });
    expect(dangling.entries.map((entry) => entry.id)).toEqual(newestFirst.slice(1).map((entry) => entry.id));
  });
});

describe('audit log: invalid queries', () => {
  const invalidRequest = { code: 'invalid_request', status: 400 };

  it.each([
    ['garbage with symbols', 'not a token!'],
    ['base64 of non-JSON', Buffer.from('nope').toString('base64url')],
    [
      'JSON of the wrong shape',
      Buffer.from(JSON.stringify({ v: 1, after: "x' or 1 eq 1" })).toString('base64url'),
    ],
    ['an unknown version', Buffer.from(JSON.stringify({ v: 2, after: '0', q: 'x' })).toString('base64url')],
    ['an over-long token', 'a'.repeat(600)],
  ])('rejects a malformed continuation token (%s) as invalid_request', async (_, token) => {
    const { audit } = await setup();
    await audit.start(attempt());
    const error = await audit.list({ continuationToken: token }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject(invalidRequest);
  });

  it('rejects a token issued for other filters', async () => {
    const { audit } = await setup();
    for (let index = 0; index < 3; index++) await audit.start(attempt());
    const { continuationToken } = await audit.list({ userId: USER_A, limit: 1 });
    expect(continuationToken).toBeDefined();
    await expect(
      audit.list({ userId: USER_B, limit: 1, continuationToken: continuationToken! }),
    ).rejects.toMatchObject(invalidRequest);
  });

  it.each([0, 101, 2.5])('rejects limit %s', async (limit) => {
    const { audit } = await setup();
    await expect(audit.list({ limit })).rejects.toMatchObject(invalidRequest);
  });

  it('accepts limit 100', async () => {
    const { audit } = await setup();
    await expect(audit.list({ limit: 100 })).resolves.toEqual({ entries: [] });
  });
});

describe('audit log: store unavailable', () => {
  async function deadAudit() {
    const storage = await deadStorage();
    const table = createTableClient(storage, NO_CREDENTIAL, 'Audit', { retryOptions: { maxRetries: 0 } });
    return createTableAuditLog({ table: () => Promise.resolve(table) });
  }

  it('fails start with audit_unavailable', async () => {
    const audit = await deadAudit();
    const error = await audit.start(attempt()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'audit_unavailable', status: 503 });
  });

  it('fails refused with audit_unavailable', async () => {
    const audit = await deadAudit();
    await expect(audit.refused(attempt(), 'protected_account', 'x')).rejects.toMatchObject({
      code: 'audit_unavailable',
    });
  });

  it('fails when the table cannot be created, and says so as audit_unavailable', async () => {
    const audit = createTableAuditLog({ table: () => Promise.reject(new Error('connect ECONNREFUSED')) });
    await expect(audit.start(attempt())).rejects.toMatchObject({ code: 'audit_unavailable' });
  });

  // The server never answers: without the deadline the promise would never settle (the test would
  // time out), so settling with audit_unavailable is the proof; how long it takes is not asserted.
  it('gives up on a store that accepts connections but never answers, at its deadline', async () => {
    const { createServer } = await import('node:net');
    const sockets = new Set<import('node:net').Socket>();
    const server = createServer((socket) => sockets.add(socket)); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const table = createTableClient(
        {
          connectionString: fixture.azurite.connectionString.replace(
            /TableEndpoint=[^;]+/,
            `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1`,
          ),
        },
        NO_CREDENTIAL,
        'Audit',
      );
      const audit = createTableAuditLog({ table: () => Promise.resolve(table), timeoutMs: 300 });
      await expect(audit.start(attempt())).rejects.toMatchObject({ code: 'audit_unavailable' });
      expect(sockets.size).toBeGreaterThan(0); // it did reach the silent server
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** What the table SDK throws for a given status. */
const restError = (statusCode: number) =>
  Object.assign(new Error(`status ${statusCode}`), { name: 'RestError', statusCode });

describe('audit log: what an attempt records', () => {
  it('stores the target id in lower case, so a list by either case finds it', async () => {
    const { table, audit } = await setup();
    const started = await audit.start(attempt({ targetId: USER_A.toUpperCase() }));
    expect(started.targetId).toBe(USER_A);
    expect((await rows(table))[0]).toMatchObject({ targetId: USER_A });
    expect((await audit.list({ userId: USER_A })).entries).toEqual([started]);
  });

  it('records only the fields the attempt has', async () => {
    const { audit } = await setup();
    const started = await audit.start({ action: 'sessions.revoke', caller: 'c', correlationId: 'x' });
    expect(Object.keys(started).sort()).toEqual(
      ['action', 'caller', 'correlationId', 'graphRequestIds', 'id', 'outcome', 'time'].sort(),
    );
    expect((await audit.list({})).entries).toEqual([started]);
  });

  it('cuts every caller-supplied text to 1024 characters', async () => {
    const { audit } = await setup();
    const long = (letter: string) => letter.repeat(1500);
    const cut = (letter: string) => `${letter.repeat(1023)}…`;
    const started = await audit.start({
      action: 'mfa.reset',
      targetId: long('a'),
      targetUpn: long('u'),
      caller: long('c'),
      ticket: long('t'),
      reason: long('r'),
      verification: { method: long('m'), reference: long('f') },
      correlationId: long('x'),
    });
    expect(started).toMatchObject({
      targetId: cut('a'),
      targetUpn: cut('u'),
      caller: cut('c'),
      ticket: cut('t'),
      reason: cut('r'),
      verification: { method: cut('m'), reference: cut('f') },
      correlationId: cut('x'),
    });
    expect((await audit.list({})).entries).toEqual([started]);
  });

  it('cuts a refusal code to 100 characters and its detail to 2000', async () => {
    const { audit } = await setup();
    const entry = await audit.refused(attempt(), 'c'.repeat(150), 'd'.repeat(3000));
    expect(entry.code).toBe(`${'c'.repeat(99)}…`);
    expect(entry.detail).toBe(`${'d'.repeat(1999)}…`);
  });

  it('cuts a completion code to 100 characters and keeps the started fields', async () => {
    const { audit, clock } = await setup();
    const started = await audit.start(attempt());
    clock.advance(2000);
    const completed = await audit.complete(started, { outcome: 'failed', code: 'k'.repeat(150) });
    expect(completed).toEqual({
      ...started,
      outcome: 'failed',
      code: `${'k'.repeat(99)}…`,
      completedTime: clock.now().toISOString(),
    });
  });
});

describe('audit log: completion against a changing store', () => {
  it('is a conflict when the row is gone between its read and its update', async () => {
    const { table, audit } = await setup();
    const started = await audit.start(attempt());
    vi.spyOn(table, 'updateEntity').mockRejectedValueOnce(restError(404));
    await expect(audit.complete(started, { outcome: 'succeeded' })).rejects.toThrow(
      `Audit: entry ${started.id} changed while completing`,
    );
  });

  it('is audit_unavailable when the update fails otherwise, and the row stays started', async () => {
    const { table, audit } = await setup();
    const started = await audit.start(attempt());
    vi.spyOn(table, 'updateEntity').mockRejectedValueOnce(restError(500));
    await expect(audit.complete(started, { outcome: 'succeeded' })).rejects.toMatchObject({
      code: 'audit_unavailable',
      detail: 'The audit log could not complete the entry.',
    });
    expect((await audit.list({})).entries.map((entry) => entry.outcome)).toEqual(['started']);
  });

  it('is audit_unavailable when the read fails otherwise', async () => {
    const { table, audit } = await setup();
    const started = await audit.start(attempt());
    vi.spyOn(table, 'getEntity').mockRejectedValueOnce(restError(503));
    await expect(audit.complete(started, { outcome: 'succeeded' })).rejects.toMatchObject({
      code: 'audit_unavailable',
    });
  });

  it('names the outcome a row already has', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    await audit.complete(started, { outcome: 'partial' });
    await expect(audit.complete(started, { outcome: 'succeeded' })).rejects.toThrow(
      `Audit: entry ${started.id} is already partial`,
    );
  });

  it('names a missing entry', async () => {
    const { audit } = await setup();
    const started = await audit.start(attempt());
    const id = '00000000-0000-4000-8000-000000000000';
    await expect(audit.complete({ ...started, id }, { outcome: 'succeeded' })).rejects.toThrow(
      `Audit: no entry ${id} to complete`,
    );
  });

  it('says which operation a failing store could not do', async () => {
    const failing = createTableAuditLog({ table: () => Promise.reject(new Error('ECONNREFUSED')) });
    await expect(failing.start(attempt())).rejects.toMatchObject({
      detail: 'The audit log could not record the attempt.',
      cause: { message: 'ECONNREFUSED' },
    });
    await expect(failing.list({})).rejects.toMatchObject({
      code: 'audit_unavailable',
      detail: 'The audit log could not list entries.',
    });
  });
});

describe('audit log: one request per page', () => {
  it('reads a page and whether another exists in one request of one row more than the page', async () => {
    const { table, audit } = await setup();
    for (let index = 0; index < 7; index++) await audit.start(attempt());
    const queries = recordRequests(table);
    const page = await audit.list({ limit: 3 });
    expect(page.entries).toHaveLength(3);
    expect(page.continuationToken).toEqual(expect.any(String));
    expect(queries).toHaveLength(1);
    expect(queries[0]!.searchParams.get('$top')).toBe('4');
  });
});
