import type { TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';

import type { ScanStateStore } from '../detection/repositories';
import { GRAPH_SCOPE } from '../graph/client';

/** `degraded`: the service works, but lockout detection is missing events (gap or no licence). */
export type CheckStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  durationMs: number;
  /** The failure's kind only (an error class name or "timeout"): no tenant data, no secrets. */
  error?: string;
}

export interface HealthReport {
  status: CheckStatus;
  checks: CheckResult[];
}

export interface HealthDependencies {
  credential: TokenCredential;
  tables: TableServiceClient;
  /** When given, the sign-in scan's state is reported as the `detection` check. */
  scanState?: ScanStateStore;
  timeoutMs?: number;
}

class DetectionDegraded extends Error {}

async function runCheck(
  name: string,
  timeoutMs: number,
  check: () => Promise<unknown>,
): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { name, status: 'healthy', durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (error instanceof DetectionDegraded) {
      return {
        name,
        status: 'degraded',
        durationMs: Math.round(performance.now() - started),
        error: error.message,
      };
    }
    const kind = error instanceof Error ? (error.message === 'timeout' ? 'timeout' : error.name) : 'unknown';
    return { name, status: 'unhealthy', durationMs: Math.round(performance.now() - started), error: kind };
  } finally {
    clearTimeout(timer);
  }
}

/** Can the service reach its state store and get a Graph token? Reads no tenant data. */
export async function checkHealth({
  credential,
  tables,
  scanState,
  timeoutMs = 5000,
}: HealthDependencies): Promise<HealthReport> {
  const checks = await Promise.all([
    runCheck('tableStorage', timeoutMs, () => tables.listTables().byPage({ maxPageSize: 1 }).next()),
    runCheck('graphToken', timeoutMs, () => credential.getToken(GRAPH_SCOPE)),
    ...(scanState
      ? [
          runCheck('detection', timeoutMs, async () => {
            const state = await scanState.read();
            // The condition's name only ("gap", "unlicensed"): no tenant data.
            if (state.condition !== 'ok') throw new DetectionDegraded(state.condition);
          }),
        ]
      : []),
  ]);
  const status = checks.some((check) => check.status === 'unhealthy')
    ? 'unhealthy'
    : checks.some((check) => check.status === 'degraded')
      ? 'degraded'
      : 'healthy';
  return { status, checks };
}
