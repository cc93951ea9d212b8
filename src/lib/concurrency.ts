/**
 * Runs `work` over `items` (an array, or a generator that makes them as they are needed), at most
 * `limit` at a time; after a failure no further item starts, and the first failure is thrown once
 * the ones in flight have settled. Hand-written (a few lines) because p-limit and p-map are ES
 * modules only, and this app compiles to CommonJS.
 */
export async function forEachLimited<T>(
  items: Iterable<T>,
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let started = 0;
  let failed = false;
  const worker = async () => {
    while (!failed) {
      const next = iterator.next();
      if (next.done === true) return;
      const index = started;
      started += 1;
      try {
        await work(next.value, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: limit }, worker));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}
