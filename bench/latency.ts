import { summarize } from './stats';

/** Sends `total` GETs with `concurrency` in flight; every answer must be 200 or the run fails. */
export async function measureLatency(
  url: string,
  headers: Record<string, string>,
  concurrency: number,
  total: number,
): Promise<{ median: number; p95: number; count: number; requestsPerSecond: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next += 1;
      const sent = performance.now();
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { ...summarize(latencies), requestsPerSecond: total / elapsedSeconds };
}
