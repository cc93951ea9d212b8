import { describe, expect, it } from 'vitest';

import { graphTraffic } from '../../../bench/round-trips';
import type { RequestLogEntry } from '../../../local/graph';

const START = Date.parse('2026-01-01T00:00:00.000Z');

/** A log entry arriving `atMs` after START; only time and inBatch matter to the count. */
const entry = (seq: number, atMs: number, inBatch = false): RequestLogEntry => ({
  seq,
  time: new Date(START + atMs).toISOString(),
  method: 'GET',
  path: '/v1.0/users',
  query: '',
  inBatch,
  requestId: String(seq),
  clientRequestId: String(seq),
});

describe('graphTraffic', () => {
  it('counts requests sent before any answer could arrive as one round trip, and batch steps apart', () => {
    // A list and a batch sent together (its step logged too), a batch after both answered, then a last list.
    const log = [
      entry(1, 0),
      entry(2, 3),
      entry(3, 4, true),
      entry(4, 120),
      entry(5, 121, true),
      entry(6, 260),
    ];
    expect(graphTraffic(log, 100)).toEqual({ requests: 4, batchSteps: 2, roundTrips: 3 });
  });

  it('counts each request of a one-by-one flow as its own round trip, in arrival order', () => {
    const log = [entry(3, 205), entry(1, 0), entry(2, 102)];
    expect(graphTraffic(log, 100)).toEqual({ requests: 3, batchSteps: 0, roundTrips: 3 });
  });

  it('keeps a request that arrives just under the latency in the same round trip', () => {
    expect(graphTraffic([entry(1, 0), entry(2, 99)], 100).roundTrips).toBe(1);
    expect(graphTraffic([], 100)).toEqual({ requests: 0, batchSteps: 0, roundTrips: 0 });
  });
});
