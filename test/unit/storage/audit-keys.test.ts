import { describe, expect, it } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import {
  AUDIT_PARTITION,
  auditRowKey,
  decodeCursor,
  encodeCursor,
  queryFingerprint,
  sinceRowKeyBound,
} from '../../../src/lib/storage/audit-keys';

const ID_1 = '0f8e2b8c-3d4a-4c1e-9b7a-1234567890ab';
const ID_2 = '1a2b3c4d-0000-4000-8000-00000000000b';
const FILTERS = queryFingerprint("PartitionKey eq 'audit'");

/** A cursor as the JSON text the service encodes, so a test can bend its shape. */
const tokenOf = (json: string) => Buffer.from(json).toString('base64url');
const validAfter = auditRowKey(new Date('2025-06-02T09:00:00.000Z'), ID_1);

function decodeError(token: string, query = FILTERS): AppError {
  try {
    decodeCursor(token, query);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('decodeCursor accepted the token');
}

describe('audit row keys', () => {
  it('keeps the whole log in the audit partition', () => {
    expect(AUDIT_PARTITION).toBe('audit');
  });

  it('is thirteen digits of inverted time, then the entry id', () => {
    expect(auditRowKey(new Date(0), ID_1)).toBe(`9999999999999_${ID_1}`);
    expect(auditRowKey(new Date(1), ID_1)).toBe(`9999999999998_${ID_1}`);
    // Late enough that the inverted time has 12 digits: zero-padded to keep 13.
    expect(auditRowKey(new Date(9_000_000_000_001), ID_2)).toBe(`0999999999998_${ID_2}`);
  });

  it('sorts newer entries first in ascending key order', () => {
    const times = ['2025-06-02T09:00:00.000Z', '2025-06-02T09:00:00.001Z', '2031-01-01T00:00:00.000Z'];
    const keys = times.map((time) => auditRowKey(new Date(time), ID_1));
    expect([...keys].sort()).toEqual([...keys].reverse());
  });
});

describe('since bound', () => {
  it('admits exactly the rows written at or after since', () => {
    for (const since of [new Date('2025-06-02T09:00:00.000Z'), new Date(9_000_000_000_001), new Date(1)]) {
      const bound = sinceRowKeyBound(since)!;
      expect(auditRowKey(since, ID_1) < bound).toBe(true);
      expect(auditRowKey(new Date(since.getTime() + 60_000), ID_2) < bound).toBe(true);
      expect(auditRowKey(new Date(since.getTime() - 1), ID_1) < bound).toBe(false);
    }
  });

  it('is thirteen digits, zero-padded', () => {
    expect(sinceRowKeyBound(new Date(1))).toBe('9999999999999');
    expect(sinceRowKeyBound(new Date(9_000_000_000_002))).toBe('0999999999998');
  });

  it('has no bound from the epoch or earlier (every row is in)', () => {
    expect(sinceRowKeyBound(new Date(0))).toBeUndefined();
    expect(sinceRowKeyBound(new Date(-5))).toBeUndefined();
  });

  it('admits no row for a since past the last representable instant', () => {
    expect(sinceRowKeyBound(new Date(9_999_999_999_999 + 5))).toBe('0000000000000');
  });
});

describe('query fingerprint', () => {
  it('is 16 URL-safe characters, the same for the same filters and different for others', () => {
    const fingerprint = queryFingerprint("PartitionKey eq 'audit'");
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(queryFingerprint("PartitionKey eq 'audit'")).toBe(fingerprint);
    expect(queryFingerprint("PartitionKey eq 'audit' and action eq 'tap.issue'")).not.toBe(fingerprint);
  });
});

describe('continuation cursor', () => {
  it('round-trips the last row key for the filters it was issued for', () => {
    const token = encodeCursor(validAfter, FILTERS);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).toEqual({
      v: 1,
      after: validAfter,
      q: FILTERS,
    });
    expect(decodeCursor(token, FILTERS)).toBe(validAfter);
  });

  it('refuses a token issued for other filters, saying so', () => {
    const error = decodeError(encodeCursor(validAfter, FILTERS), queryFingerprint('other'));
    expect(error).toMatchObject({
      code: 'invalid_request',
      detail: 'The continuation token is not valid.',
      options: { errors: [{ path: 'continuationToken', message: 'was issued for different filters' }] },
    });
  });

  it.each([
    ['characters outside base64url', 'not a token!'],
    ['a trailing foreign character', `${encodeCursor(validAfter, FILTERS)}!`],
    ['a leading foreign character', `.${encodeCursor(validAfter, FILTERS)}`],
    ['standard base64 characters', `${encodeCursor(validAfter, FILTERS)}+/`],
    ['the empty string', ''],
    ['text that is not JSON', tokenOf('nope')],
    ['JSON that is not an object', tokenOf('[1]')],
    ['another version', tokenOf(JSON.stringify({ v: 2, after: validAfter, q: FILTERS }))],
    ['a missing version', tokenOf(JSON.stringify({ after: validAfter, q: FILTERS }))],
    ['an unknown property', tokenOf(JSON.stringify({ v: 1, after: validAfter, q: FILTERS, x: 1 }))],
    ['an after that is no row key', tokenOf(JSON.stringify({ v: 1, after: "x' or 1 eq 1", q: FILTERS }))],
    ['an after with 12 digits', tokenOf(JSON.stringify({ v: 1, after: validAfter.slice(1), q: FILTERS }))],
    ['an after with text before it', tokenOf(JSON.stringify({ v: 1, after: `x${validAfter}`, q: FILTERS }))],
    ['an after with text after it', tokenOf(JSON.stringify({ v: 1, after: `${validAfter}x`, q: FILTERS }))],
    [
      'an after with a short id',
      tokenOf(JSON.stringify({ v: 1, after: validAfter.slice(0, -1), q: FILTERS })),
    ],
  ])('refuses %s as a token it never issued', (_, token) => {
    expect(decodeError(token)).toMatchObject({
      code: 'invalid_request',
      status: 400,
      detail: 'The continuation token is not valid.',
      options: { errors: [{ path: 'continuationToken', message: 'is not a token this service issued' }] },
    });
  });

  it('refuses a query fingerprint longer than any it issues, even when it matches', () => {
    const longQuery = 'q'.repeat(65);
    expect(decodeError(encodeCursor(validAfter, longQuery), longQuery).options.errors).toEqual([
      { path: 'continuationToken', message: 'is not a token this service issued' },
    ]);
    const longest = 'q'.repeat(64);
    expect(decodeCursor(encodeCursor(validAfter, longest), longest)).toBe(validAfter);
  });

  it('reads tokens up to 512 characters and refuses longer ones unread', () => {
    // JSON allows blanks between tokens: pad a valid cursor to an exact encoded length.
    const padded = (length: number) => {
      const json = JSON.stringify({ v: 1, after: validAfter, q: FILTERS });
      const bytes = (length / 4) * 3;
      return tokenOf(`${' '.repeat(bytes - json.length)}${json}`);
    };
    expect(padded(512)).toHaveLength(512);
    expect(decodeCursor(padded(512), FILTERS)).toBe(validAfter);
    expect(padded(516)).toHaveLength(516);
    expect(decodeError(padded(516)).options.errors).toEqual([
      { path: 'continuationToken', message: 'is not a token this service issued' },
    ]);
  });
});
