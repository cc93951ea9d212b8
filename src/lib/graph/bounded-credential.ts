import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

import { currentDeadline } from '../deadline';

/**
 * A credential whose token requests end within `timeoutMs` (and the running action's deadline): the
 * Graph SDK asks for a token before any middleware can bound the request, and a hung identity
 * endpoint must not hang the action. The race also covers credentials that ignore `abortSignal`.
 */
export function boundedCredential(credential: TokenCredential, timeoutMs: number): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const signals = [AbortSignal.timeout(timeoutMs)];
      const deadline = currentDeadline();
      if (deadline) signals.push(deadline.tenantSignal);
      const callerSignal = options?.abortSignal;
      if (callerSignal) {
        // The caller's signal is only AbortSignal-like: relay it.
        const relay = new AbortController();
        if (callerSignal.aborted) relay.abort();
        else callerSignal.addEventListener('abort', () => relay.abort());
        signals.push(relay.signal);
      }
      const signal = AbortSignal.any(signals);
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new TokenRequestTimeoutError('The managed identity token request timed out.'));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([
          credential.getToken(scopes, { ...options, abortSignal: signal }),
          aborted,
        ]);
      } finally {
        if (onAbort) signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** Named like @azure/identity's failures, so the Graph error mapping reports `identity_unavailable`. */
export class TokenRequestTimeoutError extends Error {
  override readonly name = 'CredentialUnavailableError';
}
