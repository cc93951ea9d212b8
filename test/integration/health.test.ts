import { createServer } from 'node:net';

import { TableServiceClient } from '@azure/data-tables';
import { ManagedIdentityCredential } from '@azure/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { checkHealth } from '../../src/lib/health/check-health';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
