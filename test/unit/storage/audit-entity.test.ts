import { describe, expect, it } from 'vitest';

import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  AuditEntitySchema,
  boundSummary,
  capGraphRequestIds,
  clipDetail,
  toAuditEntity,
  toAuditEntry,
} from '../../../src/lib/storage/audit-entity';
import { auditRowKey } from '../../../src/lib/storage/audit-keys';
import type { AuditEntry } from '../../../src/lib/storage/audit-log';

const ID = '0f8e2b8c-3d4a-4c1e-9b7a-1234567890ab';
const TIME = '2025-06-02T09:00:00.000Z';

/** The smallest entry the log writes: a started attempt with no optional field. */
const bare: AuditEntry = {
  id: ID,
  time: TIME,
  action: 'sessions.revoke',
  outcome: 'started',
  caller: 'servicenow-prod',
  correlationId: 'corr-1',
  graphRequestIds: [],
};

const full: AuditEntry = {
  ...bare,
  action: 'mfa.reset',
  outcome: 'partial',
  targetId: '3f1c2d4e-0000-4000-8000-00000000000a',
  targetUpn: 'ada@contoso.example',
  ticket: 'INC0012345',
  reason: 'lost phone',
  verification: { method: 'verified_id', reference: 'vid-presentation-7' },
  code: 'graph_unavailable',
  detail: 'revocation failed',
  graphRequestIds: ['req-1', 'req-2'],
  completedTime: '2025-06-02T09:00:01.500Z',
  summary: { removed: ['phone'], remaining: ['fido2'] },
};

/** What Table Storage hands back for an entity: the stored properties plus its ETag. */
const asRead = (entity: Record<string, unknown>) => ({ ...entity, etag: 'W/"1"' });

describe('audit vocabulary', () => {
  // Rows written stay readable: a row of any action and any outcome the log records reads back.
  it('reads back a row of every action with every outcome', () => {
    for (const action of AUDIT_ACTIONS) {
      for (const outcome of AUDIT_OUTCOMES) {
        const entry: AuditEntry = { ...full, action, outcome };
        expect(toAuditEntry(AuditEntitySchema.parse(asRead(toAuditEntity(entry))))).toEqual(entry);
      }
    }
  });

  it('records the outcomes docs/outcomes.md names, and no other', () => {
    expect(AUDIT_OUTCOMES).toEqual(['started', 'succeeded', 'partial', 'failed', 'refused', 'unknown']);
  });
});

describe('audit bounds', () => {
  it('keeps a detail of up to 2000 characters and cuts a longer one to 2000', () => {
    expect(clipDetail('d'.repeat(2000))).toBe('d'.repeat(2000));
    expect(clipDetail('d'.repeat(2001))).toBe(`${'d'.repeat(1999)}…`);
  });

  it('keeps the first 100 Graph request ids, each at most 128 characters', () => {
    const ids = Array.from({ length: 101 }, (_, index) => `req-${index}`);
    expect(capGraphRequestIds(ids)).toEqual(ids.slice(0, 100));
    expect(capGraphRequestIds(['r'.repeat(128), 'r'.repeat(129)])).toEqual([
      'r'.repeat(128),
      `${'r'.repeat(127)}…`,
    ]);
  });

  it('keeps a summary of up to 16 KiB of JSON and replaces a larger one by a marker with its size', () => {
    const exactly = { s: 'y'.repeat(16 * 1024 - '{"s":""}'.length) };
    expect(Buffer.byteLength(JSON.stringify(exactly))).toBe(16 * 1024);
    expect(boundSummary(exactly)).toBe(JSON.stringify(exactly));
    const over = { s: `${exactly.s}y` };
    expect(JSON.parse(boundSummary(over))).toEqual({ truncated: true, bytes: 16 * 1024 + 1 });
  });

  it('measures the summary in bytes, not characters', () => {
    const wide = { s: 'é'.repeat(6000) }; // 12,008 bytes in 6,008 characters: kept
    expect(boundSummary(wide)).toBe(JSON.stringify(wide));
    const wider = { s: 'é'.repeat(9000) }; // 18,008 bytes in 9,008 characters: replaced
    expect(JSON.parse(boundSummary(wider))).toEqual({ truncated: true, bytes: 18_008 });
  });
});

describe('audit entity mapping', () => {
  it('writes an entry into the audit partition under its time-ordered key, JSON for lists and objects', () => {
    expect(toAuditEntity(full)).toEqual({
      partitionKey: 'audit',
      rowKey: auditRowKey(new Date(TIME), ID),
      id: ID,
      time: TIME,
      action: 'mfa.reset',
      outcome: 'partial',
      caller: 'servicenow-prod',
      correlationId: 'corr-1',
      targetId: full.targetId,
      targetUpn: 'ada@contoso.example',
      ticket: 'INC0012345',
      reason: 'lost phone',
      verificationMethod: 'verified_id',
      verificationReference: 'vid-presentation-7',
      code: 'graph_unavailable',
      detail: 'revocation failed',
      graphRequestIds: '["req-1","req-2"]',
      completedTime: '2025-06-02T09:00:01.500Z',
      summary: '{"removed":["phone"],"remaining":["fido2"]}',
    });
  });

  it('leaves unset fields out of the entity', () => {
    expect(toAuditEntity(bare)).toEqual({
      partitionKey: 'audit',
      rowKey: auditRowKey(new Date(TIME), ID),
      id: ID,
      time: TIME,
      action: 'sessions.revoke',
      outcome: 'started',
      caller: 'servicenow-prod',
      correlationId: 'corr-1',
      graphRequestIds: '[]',
    });
  });

  it('stores an oversized summary as the marker', () => {
    const entity = toAuditEntity({ ...bare, summary: { blob: 'z'.repeat(17_000) } });
    expect(JSON.parse(entity.summary as string)).toEqual({ truncated: true, bytes: 17_011 });
  });

  it('reads back exactly the entry it wrote, with and without optional fields', () => {
    for (const entry of [full, bare]) {
      expect(toAuditEntry(AuditEntitySchema.parse(asRead(toAuditEntity(entry))))).toEqual(entry);
    }
  });

  it('reads a verification only when both its method and reference are stored', () => {
    for (const missing of ['verificationMethod', 'verificationReference']) {
      const row: Record<string, unknown> = asRead(toAuditEntity(full));
      delete row[missing];
      const entry = toAuditEntry(AuditEntitySchema.parse(row));
      expect(entry).not.toHaveProperty('verification');
      expect(entry.ticket).toBe('INC0012345');
    }
  });

  it.each([
    ['graphRequestIds that are not JSON', { graphRequestIds: '[req-1' }],
    ['graphRequestIds that are not a list of strings', { graphRequestIds: '[1,2]' }],
    ['a summary that is not JSON', { summary: '{removed' }],
    ['a summary that is not an object', { summary: '["phone"]' }],
    ['an unknown action', { action: 'user.delete' }],
    ['an unknown outcome', { outcome: 'maybe' }],
  ])('refuses a stored row with %s', (_, change) => {
    const result = AuditEntitySchema.safeParse({ ...asRead(toAuditEntity(full)), ...change });
    expect(result.success).toBe(false);
  });

  it('says which stored JSON text it could not read', () => {
    const result = AuditEntitySchema.safeParse({ ...asRead(toAuditEntity(full)), graphRequestIds: 'x' });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['graphRequestIds'], message: 'is not the JSON this layer writes' }),
    ]);
  });
});
