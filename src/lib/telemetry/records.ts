import { GUID } from '../guid';

/**
 * Telemetry records (docs/telemetry.md): one per action, refusal, brake trip and detection run,
 * each a custom event `mfa-recovery.<event>` in Application Insights. A record says what happened
 * in names, codes and object ids only: never a UPN, ticket, reason or pass, so the record functions
 * take no such field and drop any dimension that is not a plain token.
 */
export type TelemetryEventName = 'action' | 'refusal' | 'brake_engaged' | 'detection_run';

export interface TelemetryRecord {
  /** The custom event's name, `mfa-recovery.<event>`. */
  name: `mfa-recovery.${TelemetryEventName}`;
  dimensions: Record<string, string>;
  measurements: Record<string, number>;
}

export interface TelemetrySink {
  write(record: TelemetryRecord): void;
}

/** Action names, outcomes, codes and correlation ids: letters, digits and `._:-`, as correlation ids are. */
const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Until the app starts a sink (src/lib/telemetry/start.ts), records go nowhere. */
let sink: TelemetrySink = { write: () => undefined };

/** Sends every later record to `next`; returns what restores the previous sink. */
export function useTelemetrySink(next: TelemetrySink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

function emit(
  event: TelemetryEventName,
  dimensions: Record<string, string | undefined>,
  measurements: Record<string, number> = {},
): void {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(dimensions)) {
    if (value === undefined) continue;
    const safe = key === 'targetId' ? GUID.test(value) : TOKEN.test(value);
    if (safe) kept[key] = key === 'targetId' ? value.toLowerCase() : value;
  }
  try {
    sink.write({ name: `mfa-recovery.${event}`, dimensions: kept, measurements });
  } catch {
    // Telemetry never changes an answer: a sink that fails loses this record, nothing else.
  }
}

// Each record function names the fields it sends: an object with more in it (an audit entry holds
// the ticket and the UPN) passes on nothing else.

/** An action ended (or was refused) as its audit row says. */
export function recordAction(action: {
  action: string;
  outcome: string;
  code?: string | undefined;
  correlationId: string;
  targetId?: string | undefined;
}): void {
  const { outcome, code, correlationId, targetId } = action;
  emit('action', { action: action.action, outcome, code, correlationId, targetId });
}

/** A problem+json answer: `operation` is the function's name, `code` the stable problem code. */
export function recordRefusal(refusal: {
  operation: string;
  status: number;
  code: string;
  correlationId: string;
}): void {
  const { operation, code, correlationId } = refusal;
  emit('refusal', { operation, code, status: String(refusal.status), correlationId });
}

/** The call whose write engaged the mass-recovery brake (docs/limits.md). */
export function recordBrakeEngaged(trip: {
  action: string;
  correlationId: string;
  targetId: string;
  distinctUsers: number;
  brakeUsers: number;
  windowMinutes: number;
}): void {
  const { action, correlationId, targetId, distinctUsers, brakeUsers, windowMinutes } = trip;
  emit('brake_engaged', { action, correlationId, targetId }, { distinctUsers, brakeUsers, windowMinutes });
}

/** A lockout detection run ended; `lagSeconds` is how far behind now its scanned-through point is. */
export function recordDetectionRun(run: {
  outcome: string;
  users: number;
  opened: number;
  reopened: number;
  lagSeconds?: number;
}): void {
  const { outcome, users, opened, reopened, lagSeconds } = run;
  emit(
    'detection_run',
    { outcome },
    { users, opened, reopened, ...(lagSeconds === undefined ? {} : { lagSeconds }) },
  );
}
