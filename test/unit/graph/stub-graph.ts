import type { TokenCredential } from '@azure/identity';
import { vi } from 'vitest';

import { loadConfig } from '../../../src/lib/config';
import { createGraphClient } from '../../../src/lib/graph/client';

export interface SentRequest {
  url: string;
  method: string;
  body: unknown;
  headers: Headers;
}

/**
 * The app's real Graph client (its middleware chain, retry settings and deadline handler) with
 * fetch answered by `answer`: no network, every request recorded.
 */
export function stubGraph(
  answer: (request: SentRequest, signal: AbortSignal | undefined) => Promise<Response>,
  options: { settings?: Record<string, string>; credential?: TokenCredential } = {},
) {
  const sent: SentRequest[] = [];
  vi.stubGlobal('fetch', async (input: Request | string | URL, init?: RequestInit) => {
    const request: SentRequest = {
      url: input instanceof Request ? input.url : String(input),
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      headers: new Headers(init?.headers),
    };
    sent.push(request);
    return await answer(request, init?.signal ?? undefined);
  });
  const credential: TokenCredential = options.credential ?? {
    getToken: () => Promise.resolve({ token: 'token', expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  const config = loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', ...options.settings });
  return {
    graph: createGraphClient(config.graph, credential),
    sent,
    origin: new URL(config.graph.baseUrl).origin,
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
