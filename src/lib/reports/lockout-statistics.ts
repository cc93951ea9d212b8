import type * as Statistics from 'simple-statistics' with { 'resolution-mode': 'import' };

import type { LockoutReport } from '../api/report-schemas';

/*
 * simple-statistics ships a CommonJS build (its `require` export) but only ES-module typings, which
 * TypeScript will not import statically into this CommonJS app: the typings come in as types and the
 * CommonJS build is required.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { medianSorted, quantileSorted } = require('simple-statistics') as typeof Statistics;

/** Count, median and p90 in seconds (null when count is 0), as the report answers them. */
export type DurationSummary = LockoutReport['timeToRecover'];

/**
 * Median and 90th percentile, in seconds, of durations given in milliseconds. simple-statistics
 * interpolates linearly between order statistics (R's type 7, numpy's default; docs/reports.md).
 * A duration that is not a number or is negative was measured from inconsistent times: it is left
 * out, and `count` says how many were measured.
 */
export function durationSummary(milliseconds: readonly number[]): DurationSummary {
  const seconds = milliseconds
    .filter((value) => Number.isFinite(value) && value >= 0)
    .map((value) => value / 1000)
    .sort((a, b) => a - b);
  if (seconds.length === 0) return { count: 0, median: null, p90: null };
  return { count: seconds.length, median: medianSorted(seconds), p90: quantileSorted(seconds, 0.9) };
}
