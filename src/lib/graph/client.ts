import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  type FetchOptions,
  HTTPMessageHandler,
  type Middleware,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

import type { Config } from '../config';
import { currentDeadline } from '../deadline';
import { boundedCredential } from './bounded-credential';
import { DeadlineHandler } from './deadline-handler';
import { retryAfterSeconds } from './retry-after';

/** The token audience is Graph's even when the base URL points at the local simulator. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * Graph's Retry-After can run to minutes; waiting that long inside an HTTP request would outlast
 * the caller. Retry only short waits that end before the running action's deadline, and let longer
 * ones surface as `graph_throttled` with the Retry-After passed on. A POST that timed out at the
 * gateway (504) may have been carried out, so it is never sent again: a second TAP would replace
 * the first.
 */
export function retryWithinWait(maxWaitSeconds: number) {
  return (
    _delay: number,
    attempt: number,
    request: Request | string,
    options: FetchOptions | undefined,
    response: Response,
  ): boolean => {
    const method = (options?.method ?? (request instanceof Request ? request.method : 'GET')).toUpperCase();
    if (response.status === 504 && method === 'POST') return false;
    // Without Retry-After the SDK backs off exponentially from 1 s.
    const seconds = retryAfterSeconds(response.headers.get('retry-after')) ?? 2 ** attempt;
    const deadline = currentDeadline();
    if (deadline && Date.now() + seconds * 1000 >= deadline.tenantAt) return false;
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
  const authProvider = new TokenCredentialAuthenticationProvider(
    boundedCredential(credential, config.requestTimeoutMs),
    { scopes: [GRAPH_SCOPE] },
  );
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
      new DeadlineHandler(config.requestTimeoutMs),
      new HTTPMessageHandler(),
    ],
    baseUrl: config.baseUrl,
    customHosts: config.customHosts,
    defaultVersion: 'v1.0',
  });
}
