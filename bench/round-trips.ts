import type { RequestLogEntry } from '../local/graph';

export interface GraphTraffic {
  /** HTTP requests to Graph (a $batch counts once). */
  requests: number;
  /** Steps inside those batches. */
  batchSteps: number;
  /** Waves of requests that had to wait for an earlier answer: the Graph latencies the caller sits through. */
  roundTrips: number;
}

/**
 * Reads one action's Graph traffic from the simulator's log while every request takes at least
 * `latencyMs`. A request that arrives sooner than that after the first request of the current wave
 * cannot have waited for any answer in it, so it joins the wave; a later one starts the next wave.
 * A late but independent request counts as a wave of its own, as it costs the caller the same.
 */
export function graphTraffic(log: readonly RequestLogEntry[], latencyMs: number): GraphTraffic {
  const topLevel = log.filter((entry) => !entry.inBatch);
  const arrivals = topLevel.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b);
  let roundTrips = 0;
  let waveStart = Number.NEGATIVE_INFINITY;
  for (const arrival of arrivals) {
    if (arrival - waveStart >= latencyMs) {
      roundTrips += 1;
      waveStart = arrival;
    }
  }
  return { requests: topLevel.length, batchSteps: log.length - topLevel.length, roundTrips };
}
