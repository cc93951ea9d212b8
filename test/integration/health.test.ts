import { TableServiceClient } from '@azure/data-tables';
import { ManagedIdentityCredential } from '@azure/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { checkHealth } from '../../src/lib/health/check-health';
import { closedPort } from '../support/closed-port';

afterEach(() => vi.unstubAllEnvs());

describe('checkHealth', () => {
  it('reports each unreachable dependency by name, without details', async () => {
    const port = await closedPort();
    vi.stubEnv('IDENTITY_ENDPOINT', `http://127.0.0.1:${port}/msi/token`);
    vi.stubEnv('IDENTITY_HEADER', 'x');
    const tables = new TableServiceClient(`http://127.0.0.1:${port}/devstoreaccount1`, {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
    });
    const report = await checkHealth({
      tables,
      credential: new ManagedIdentityCredential(),
      timeoutMs: 1000,
    });
    expect(report.status).toBe('unhealthy');
    expect(report.checks.map((check) => [check.name, check.status])).toEqual([
      ['tableStorage', 'unhealthy'],
      ['graphToken', 'unhealthy'],
    ]);
    for (const check of report.checks) expect(check.error).toMatch(/^[A-Za-z]+$/);
  });
});
