import { type DirectoryThrottlingInput, DirectoryThrottlingSchema } from './directory-throttle';
import { type FaultInjector, parseFaultSpec } from './faults';
import type { GraphRequest, GraphResponse } from './messages';
import {
  AuthenticationMethodsThrottlingSchema,
  parseReportsThrottling,
  parseThrottling,
  type ReportsThrottlingInput,
} from './rate-limit';
import { registerAsUser } from './registration-control';
import type { RequestLog } from './request-log';
import { addSignIns, generateSignIns } from './sign-in-generator';
import { parseSeed, type Tenant } from './tenant';

/** The simulator's own API under `/_sim/` (no auth): state, reset, faults, latency, request log, sign-ins, registrations, throttling. */
export const CONTROL_PREFIX = '/_sim/';

export interface ControlDeps {
  tenant: Tenant;
  faults: FaultInjector;
  log: RequestLog;
}

const json = (status: number, body: unknown): GraphResponse => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8' },
  body,
});
const noContent = (): GraphResponse => ({ status: 204, headers: {} });
const problem = (status: number, message: string) => json(status, { error: { code: 'badRequest', message } });

function parseBody(request: GraphRequest): { ok: true; value: unknown } | { ok: false } {
  if (request.body.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(request.body) };
  } catch {
    return { ok: false };
  }
}

function throttling(tenant: Tenant) {
  return {
    reports: tenant.reportsThrottle.current(),
    authenticationMethods: tenant.authenticationMethodsThrottle.current(),
    directory: tenant.directoryThrottle.current(),
  };
}

/** Sets the limits given (`reports`, `authenticationMethods`, `directory`); one left out keeps its settings. All are checked first. */
function configureThrottling(tenant: Tenant, value: unknown): void {
  const { reports, authenticationMethods, directory } = (value ?? {}) as {
    reports?: ReportsThrottlingInput;
    authenticationMethods?: ReportsThrottlingInput;
    directory?: DirectoryThrottlingInput;
  };
  const parsedReports = reports === undefined ? undefined : parseReportsThrottling(reports);
  const parsedMethods =
    authenticationMethods === undefined
      ? undefined
      : parseThrottling(AuthenticationMethodsThrottlingSchema, authenticationMethods);
  const parsedDirectory =
    directory === undefined ? undefined : parseThrottling(DirectoryThrottlingSchema, directory);
  if (parsedReports !== undefined) tenant.reportsThrottle.configure(parsedReports);
  if (parsedMethods !== undefined) tenant.authenticationMethodsThrottle.configure(parsedMethods);
  if (parsedDirectory !== undefined) tenant.directoryThrottle.configure(parsedDirectory);
}

export function handleControlRequest(request: GraphRequest, deps: ControlDeps): GraphResponse {
  const action = `${request.method} ${request.path.slice(CONTROL_PREFIX.length).replace(/\/$/, '')}`;
  const body = parseBody(request);
  if (!body.ok) return problem(400, 'The body is not valid JSON.');
  try {
    switch (action) {
      case 'POST reset':
        deps.tenant.reset(body.value === undefined ? undefined : parseSeed(body.value));
        return noContent();
      case 'GET state':
        return json(200, deps.tenant.snapshot());
      case 'POST faults':
        return json(201, deps.faults.add(parseFaultSpec(body.value)));
      case 'GET faults':
        return json(200, deps.faults.list());
      case 'DELETE faults':
        deps.faults.clear();
        return noContent();
      case 'GET latency':
        return json(200, deps.faults.latency());
      case 'POST latency':
        return json(200, deps.faults.setLatency(body.value));
      case 'GET requests':
        return json(200, deps.log.list());
      case 'DELETE requests':
        deps.log.clear();
        return noContent();
      case 'POST signins':
        return json(201, { value: addSignIns(deps.tenant, body.value) });
      case 'POST signins/generate':
        return json(201, generateSignIns(deps.tenant, body.value));
      case 'POST registrations':
        return json(201, registerAsUser(deps.tenant, body.value));
      case 'GET throttling':
        return json(200, throttling(deps.tenant));
      case 'POST throttling':
        configureThrottling(deps.tenant, body.value);
        return json(200, throttling(deps.tenant));
      default:
        return problem(404, `No control operation ${action}.`);
    }
  } catch (error) {
    // Invalid seeds and fault specs arrive here with a message listing the problems.
    return problem(400, error instanceof Error ? error.message : String(error));
  }
}
