/** Nearest-rank percentile of an ascending list. */
export function percentile(sortedValues: readonly number[], fraction: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sortedValues.length) - 1;
  return sortedValues[Math.min(sortedValues.length - 1, Math.max(0, rank))]!;
}

export function summarize(values: readonly number[]): { median: number; p95: number; count: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), count: sorted.length };
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));
