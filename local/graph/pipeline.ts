import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import { authenticate, authorize } from './auth';
import { GraphErrors } from './errors';
import { applyFault, type FaultInjector } from './faults';
import type { GraphRequest, GraphResponse, HandlerResult } from './messages';
import { GRAPH_VERSIONS, type GraphVersion } from './openapi-spec';
import { parseGraphPath } from './path';
import { throttleKey } from './rate-limit';
import type { RequestLog, RequestLogEntry } from './request-log';
import { requestBodyProblem } from './request-validation';
import { chargeDirectoryRequest, withHeaders } from './resource-units';
import { renderResult } from './response';
import type { Router } from './router';
import type { Tenant } from './tenant';

export interface PipelineDeps {
  tenant: Tenant;
  router: Router;
  faults: FaultInjector;
  log: RequestLog;
  /** The identity endpoint's key: tokens it didn't sign are rejected. */
  tokenPublicKeyPem: string;
  /** Tokens must be issued for this tenant. */
  tenantId: () => string;
}

/** A user's authentication methods: the list, a per-type collection or item, QR code + PIN. */
const AUTHENTICATION_METHOD_PATH =
  /^\/users\/\{user-id\}\/authentication\/(methods|\w+Methods|qrCodePinMethod)(\/|$)/;
const BATCH_PATH = /^\/[^/]+\/\$batch\/?$/i;

const isGraphVersion = (version: string): version is GraphVersion =>
  (GRAPH_VERSIONS as readonly string[]).includes(version);

/**
 * Every Graph request, top-level or a batch step, goes through the same steps:
 * bearer check → injected latency and faults → routing → the authentication methods limit (off by
 * default) → directory limits → app-role check → request body against the OpenAPI request schema →
 * handler.
 */
export async function handleGraphRequest(
  request: GraphRequest,
  deps: PipelineDeps,
  batch?: RequestLogEntry,
): Promise<GraphResponse> {
  const requestId = randomUUID();
  // Without a client-request-id Graph echoes its request-id there (the bodies quoted in
  // microsoft-graph-docs-contrib#2362 and msgraph-sample-reactspa#54 carry one value twice).
  const ids = { requestId, clientRequestId: request.headers['client-request-id'] || requestId };
  const sdkVersion = batch === undefined ? request.headers.sdkversion : batch.sdkVersion;
  const entry = deps.log.start({
    method: request.method,
    path: request.path,
    query: request.query,
    inBatch: request.batchStepId !== undefined,
    ...(request.batchStepId !== undefined ? { batchStepId: request.batchStepId } : {}),
    ...(sdkVersion !== undefined ? { sdkVersion } : {}),
    ...ids,
  });
  const result = await process(request, deps, entry);
  const response = renderResult(result, ids);
  deps.log.finish(entry, response.status);
  return response;
}

async function process(
  request: GraphRequest,
  deps: PipelineDeps,
  entry: RequestLogEntry,
): Promise<HandlerResult> {
  const authentication = authenticate(request.headers.authorization, deps.tokenPublicKeyPem, deps.tenantId());
  if (!authentication.ok) return authentication.error;

  // Graph answers a batch when its last step is done, so the envelope adds no latency of its own
  // and a batch costs one round trip, as a single request does (inferred).
  const { latencyMs } = deps.faults.latency();
  if (latencyMs > 0 && !BATCH_PATH.test(request.path)) await delay(latencyMs);
  const fault = deps.faults.take(request.method, request.path);
  if (fault !== undefined) {
    const injected = await applyFault(fault);
    if (injected !== undefined) return injected;
  }

  const path = parseGraphPath(request.path);
  if (!path.ok) return path.error;
  if (!isGraphVersion(path.version)) return GraphErrors.invalidVersion(path.version);

  // Every token the simulator accepts is app-only (the managed identity's), so `/me` never resolves.
  if (path.segments[0]?.value.toLowerCase() === 'me') return GraphErrors.meNeedsDelegatedToken();
  const resolution = deps.router.resolve(path.version, request.method, path.segments);
  switch (resolution.kind) {
    case 'unknownSegment':
      return GraphErrors.resourceNotFoundForSegment(resolution.segment);
    case 'methodNotAllowed':
      return GraphErrors.methodNotAllowed();
    case 'notImplemented':
      return GraphErrors.notImplemented(resolution.method, resolution.template);
    case 'route':
      break;
  }
  const { route, params } = resolution;
  entry.route = route.key;
  if (AUTHENTICATION_METHOD_PATH.test(route.definition.template)) {
    const allowed = deps.tenant.authenticationMethodsThrottle.take(throttleKey(authentication.claims));
    if (!allowed.ok) {
      return GraphErrors.tooManyRequests({ 'Retry-After': String(allowed.retryAfterSeconds) });
    }
  }
  const baseCost = route.definition.resourceUnits;
  const charge =
    baseCost === undefined
      ? undefined
      : chargeDirectoryRequest(request, baseCost, authentication.claims, deps.tenant);
  if (charge?.ok === false) return charge.error;
  const bodyProblem =
    route.definition.ownBodySchema === true
      ? undefined
      : requestBodyProblem(request, path.version, route.definition.template);
  const result = !authorize(authentication.claims, route.permissions)
    ? GraphErrors.insufficientPrivileges()
    : (bodyProblem ??
      (await route.definition.handle({
        request,
        version: path.version,
        params,
        claims: authentication.claims,
        tenant: deps.tenant,
        dispatch: async (inner) => await handleGraphRequest(inner, deps, entry),
      })));
  return charge === undefined ? result : withHeaders(result, charge.headers);
}
