import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  type Middleware,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

import type { Config } from '../config';

/** The token audience is Graph's even when the base URL points at the local simulator. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * Graph's Retry-After can run to minutes; waiting that long inside an HTTP request would outlast
 * the caller. Retry only short waits and let longer ones surface as `graph_throttled` with the
 * Retry-After passed on.
 */
export function retryWithinWait(maxWaitSeconds: number) {
  return (
    _delay: number,
    _attempt: number,
    _request: unknown,
    _options: unknown,
    response: Response,
  ): boolean => {
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter === null) return true;
    const seconds = Number.isNaN(Number(retryAfter))
      ? (new Date(retryAfter).getTime() - Date.now()) / 1000
      : Number(retryAfter);
    return seconds <= maxWaitSeconds;
  };
}

/**
 * `extraMiddleware` runs after the retry handler, so it sees every attempt (the reports client puts
 * its pacer there: a retry spends the same Graph budget as a first try).
 */
export function createGraphClient(
  config: Config['graph'],
  credential: TokenCredential,
  extraMiddleware: Middleware[] = [],
): Client {
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
  const retryOptions = new RetryHandlerOptions(
    1,
    config.maxRetries,
    retryWithinWait(config.maxRetryWaitSeconds),
  );
  return Client.initWithMiddleware({
    // The SDK's default chain, with our retry options in place of its defaults.
    middleware: [
      new AuthenticationHandler(authProvider),
      new RetryHandler(retryOptions),
      new RedirectHandler(),
      new TelemetryHandler(),
      ...extraMiddleware,
      new HTTPMessageHandler(),
    ],
    baseUrl: config.baseUrl,
    customHosts: config.customHosts,
    defaultVersion: 'v1.0',
  });
}
