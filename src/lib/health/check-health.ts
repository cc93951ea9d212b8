import type { TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';

import { GRAPH_SCOPE } from '../graph/client';

export type CheckStatus = 'healthy' | 'unhealthy';

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
  timeoutMs?: number;
}

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
  timeoutMs = 5000,
}: HealthDependencies): Promise<HealthReport> {
  const checks = await Promise.all([
    runCheck('tableStorage', timeoutMs, () => tables.listTables().byPage({ maxPageSize: 1 }).next()),
    runCheck('graphToken', timeoutMs, () => credential.getToken(GRAPH_SCOPE)),
  ]);
  return { status: checks.every((check) => check.status === 'healthy') ? 'healthy' : 'unhealthy', checks };
}
