import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_APP_ROLES } from './app-roles';
import {
  type CallerTokenOptions,
  DEFAULT_API_CLIENT_ID,
  DEMO_CALLER_TOKEN_SECONDS,
  DEMO_CALLERS,
  type DemoCallerName,
} from './caller-tokens';
import { createTokenIssuer, type IssuedCallerToken, type IssuedToken } from './token-issuer';

/** Tenant and identity of the demo tenant (local/graph/seed/demo-tenant.json uses the same tenant id). */
export const DEFAULT_TENANT_ID = '2f85a001-1450-4f57-8ed3-c840c8849cd8';
export const DEFAULT_CLIENT_ID = '8174ff7f-c40d-41d7-9893-b467599f0535';
export const DEFAULT_PRINCIPAL_ID = '017ea2bb-7819-44d8-83a2-9732206115de';

/** The only protocol version MSAL's App Service source speaks (`@azure/msal-node` AppService.ts). */
export const APP_SERVICE_API_VERSION = '2019-08-01';
const TOKEN_PATH = '/msi/token';
/** Where the tenant's signing keys are published, as Entra's `/discovery/v2.0/keys` does. */
const KEYS_PATH = '/discovery/v2.0/keys';

export interface IdentityEndpoint {
  /** Value for IDENTITY_ENDPOINT, path included. */
  url: string;
  /** Value for IDENTITY_HEADER: the secret the caller sends as X-IDENTITY-HEADER. */
  header: string;
  tenantId: string;
  clientId: string;
  principalId: string;
  publicKeyPem: string;
  /** The key set (JWKS) that verifies every token this endpoint signs: CALLER_JWKS_URL. */
  jwksUrl: string;
  /** The app's own API (its app registration): the audience of caller tokens. */
  apiClientId: string;
  /** Ready tokens for the demo callers, valid for at least 8 hours from start. */
  callerTokens: Record<DemoCallerName, string>;
  /** A token for the app's API (tests: other roles, versions, audiences, lifetimes). */
  mintCallerToken(options?: CallerTokenOptions): IssuedCallerToken;
  /** App roles put into tokens issued from now on; tokens already issued keep theirs. */
  setRoles(roles: readonly string[]): void;
  roles(): string[];
  /** Mints a token directly (tests: expired tokens, other audiences, other role sets). */
  mintToken(options?: {
    resource?: string;
    roles?: readonly string[];
    lifetimeSeconds?: number;
  }): IssuedToken;
  /** The next `count` token requests fail with this status (App Service error body), whatever they send. */
  failNextRequests(failure: { status: number; count?: number; message?: string }): void;
  /** Token requests answered so far (failures included). */
  requestCount(): number;
  close(): Promise<void>;
}

export interface IdentityEndpointOptions {
  port?: number;
  host?: string;
  roles?: readonly string[];
  tenantId?: string;
  clientId?: string;
  principalId?: string;
  apiClientId?: string;
  /**
   * Lifetime of issued tokens; 1 hour by default. MSAL (process-wide cache, see README) reuses a
   * token until 5 minutes before it expires, so a lifetime under 300 s makes every getToken call
   * reach this endpoint, which lets a test see setRoles() or failNextRequests() within one process.
   */
  tokenLifetimeSeconds?: number;
}

interface AppServiceError {
  status: number;
  message: string;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * Starts a stand-in for the App Service managed-identity endpoint (the protocol MSAL's App Service
 * source uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are set).
 */
export async function startIdentityEndpoint(
  options: IdentityEndpointOptions = {},
): Promise<IdentityEndpoint> {
  const apiClientId = options.apiClientId ?? DEFAULT_API_CLIENT_ID;
  const issuer = createTokenIssuer(
    {
      tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
      clientId: options.clientId ?? DEFAULT_CLIENT_ID,
      principalId: options.principalId ?? DEFAULT_PRINCIPAL_ID,
    },
    apiClientId,
  );
  const secret = randomBytes(24).toString('hex');
  let roles = [...(options.roles ?? DEFAULT_APP_ROLES)];
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  let injected: { status: number; remaining: number; message: string } | undefined;
  let requests = 0;

  // Error bodies are shaped as App Service's ({statusCode, message, correlationId}, observed in
  // Azure/azure-sdk-for-net#43691); MSAL reads `message` and `correlationId` from them.
  // A wrong secret gets 401 as observed in Azure/azure-sdk-for-js#11595; a missing one is treated
  // the same way (inferred: no source found for that case).
  function check(request: IncomingMessage, url: URL): AppServiceError | undefined {
    const presented = request.headers['x-identity-header'];
    if (presented !== secret)
      return { status: 401, message: 'Unauthorized: missing or invalid X-IDENTITY-HEADER.' };
    if (url.searchParams.get('api-version') !== APP_SERVICE_API_VERSION) {
      return { status: 400, message: `Unsupported api-version; use ${APP_SERVICE_API_VERSION}.` };
    }
    if (!url.searchParams.get('resource'))
      return { status: 400, message: 'The resource parameter is required.' };
    const clientId = url.searchParams.get('client_id');
    const principalId = url.searchParams.get('principal_id') ?? url.searchParams.get('object_id');
    const unknownIdentity =
      (clientId !== null && clientId.toLowerCase() !== issuer.identity.clientId.toLowerCase()) ||
      (principalId !== null && principalId.toLowerCase() !== issuer.identity.principalId.toLowerCase()) ||
      url.searchParams.has('mi_res_id');
    if (unknownIdentity) return { status: 400, message: 'Unable to load the proper Managed Identity.' };
    return undefined;
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === KEYS_PATH && request.method === 'GET') {
      sendJson(response, 200, { keys: [issuer.publicJwk] });
      return;
    }
    if (url.pathname !== TOKEN_PATH) {
      sendJson(response, 404, { statusCode: 404, message: 'Not found.', correlationId: randomUUID() });
      return;
    }
    if (request.method !== 'GET') {
      sendJson(response, 405, {
        statusCode: 405,
        message: 'Method not allowed.',
        correlationId: randomUUID(),
      });
      return;
    }
    requests += 1;
    if (injected !== undefined && injected.remaining > 0) {
      injected.remaining -= 1;
      const { status, message } = injected;
      sendJson(response, status, { statusCode: status, message, correlationId: randomUUID() });
      return;
    }
    const error = check(request, url);
    if (error !== undefined) {
      sendJson(response, error.status, {
        statusCode: error.status,
        message: error.message,
        correlationId: randomUUID(),
      });
      return;
    }
    const resource = url.searchParams.get('resource') ?? '';
    const token = issuer.issue({ resource, roles, lifetimeSeconds });
    sendJson(response, 200, {
      access_token: token.accessToken,
      expires_on: String(token.expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: issuer.identity.clientId,
    });
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const callerTokens = Object.fromEntries(
    Object.entries(DEMO_CALLERS).map(([name, caller]) => [
      name,
      issuer.issueCallerToken({ ...caller, lifetimeSeconds: DEMO_CALLER_TOKEN_SECONDS }).accessToken,
    ]),
  ) as Record<DemoCallerName, string>;

  return {
    url: `http://${address.address}:${address.port}${TOKEN_PATH}`,
    header: secret,
    tenantId: issuer.identity.tenantId,
    clientId: issuer.identity.clientId,
    principalId: issuer.identity.principalId,
    publicKeyPem: issuer.publicKeyPem,
    jwksUrl: `http://${address.address}:${address.port}${KEYS_PATH}`,
    apiClientId,
    callerTokens,
    mintCallerToken: (mint) => issuer.issueCallerToken(mint),
    setRoles(next) {
      roles = [...next];
    },
    roles: () => [...roles],
    mintToken: (mint = {}) =>
      issuer.issue({
        resource: mint.resource ?? 'https://graph.microsoft.com',
        roles: mint.roles ?? roles,
        ...(mint.lifetimeSeconds !== undefined ? { lifetimeSeconds: mint.lifetimeSeconds } : {}),
      }),
    failNextRequests({ status, count = 1, message = 'Injected failure.' }) {
      injected = { status, remaining: count, message };
    },
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
