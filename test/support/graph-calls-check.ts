import { afterEach, expect } from 'vitest';

import type { GraphSimulator, RequestLogEntry } from '../../local/graph';
import { GRAPH_CALLS, type GraphCall } from '../../src/lib/graph/graph-calls';

/**
 * The suite's check on src/lib/graph/graph-calls.ts: every request the app sends in a test is in
 * the inventory. The app's requests are those the Graph SDK sent (the simulator logs its
 * `SdkVersion` header, a batch's for its steps); tests that call the simulator directly send none.
 */

export const sentByApp = (entry: RequestLogEntry): boolean =>
  entry.sdkVersion?.startsWith('graph-js/') === true;

/** `/v1.0/users('x')/…` → `['v1.0', 'users', "'x'", …]`: the key form is the same user path. */
function segmentsOf(path: string): string[] {
  return path
    .replace(/^\/(v1\.0|beta)\/users\(('(?:[^']|'')*')\)/, '/$1/users/$2')
    .split('/')
    .filter((segment) => segment !== '');
}

function matches(template: string, segments: readonly string[]): boolean {
  const parts = template.split('/').filter((part) => part !== '');
  return (
    parts.length === segments.length &&
    parts.every((part, i) => (part.startsWith('{') && part.endsWith('}')) || part === segments[i])
  );
}

/**
 * The inventory entry a logged request is: same method, version and Microsoft path template (by
 * the path as sent, so that requests a fault answered before routing count too); a batch step
 * only if the entry is batchable.
 */
export function inventoryEntryOf(entry: RequestLogEntry): GraphCall | undefined {
  const [version, ...segments] = segmentsOf(entry.path);
  return GRAPH_CALLS.find(
    (call) =>
      call.version === version &&
      call.method === entry.method &&
      matches(call.path, segments) &&
      (call.batchable || !entry.inBatch),
  );
}

/** The app's requests in `entries` that the inventory does not list, as `METHOD /path (step)`. */
export function unlistedGraphCalls(entries: readonly RequestLogEntry[]): string[] {
  return entries
    .filter((entry) => sentByApp(entry) && inventoryEntryOf(entry) === undefined)
    .map((entry) => `${entry.method} ${entry.path}${entry.inBatch ? ' (batch step)' : ''}`);
}

export function expectOnlyListedGraphCalls(entries: readonly RequestLogEntry[]): void {
  expect(unlistedGraphCalls(entries), 'Graph requests missing from src/lib/graph/graph-calls.ts').toEqual([]);
}

/**
 * For test files that start a simulator themselves (e2e stacks): after each test, the app's
 * requests so far must all be listed. useGraphSimulator does the same for its simulator.
 */
export function checkGraphCalls(simulator: () => Pick<GraphSimulator, 'requests'> | undefined): void {
  afterEach(() => {
    const running = simulator();
    if (running !== undefined) expectOnlyListedGraphCalls(running.requests());
  });
}
