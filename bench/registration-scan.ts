import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { startAzurite } from '../local/azurite';
import { DEMO_SEED_PATH, loadSeedFile, startGraphSimulator, type TenantData } from '../local/graph';
import { startIdentityEndpoint } from '../local/identity';
import { CA_CERT_PATH } from '../local/stack';
import type { ScanRegistrationReport } from '../src/lib/registration/scan-registration';

const run = promisify(execFile);

export interface RegistrationScanFigures {
  users: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  graphRequests: number;
  report: ScanRegistrationReport;
}

const MOBILE_ID = '3179e48a-750b-4051-897c-87b9720928f7';

/** The demo tenant plus `users` generated members: one in ten has only an Authenticator, one in ten only a phone, the rest both. */
function tenantWith(users: number): TenantData {
  const seed = loadSeedFile(DEMO_SEED_PATH);
  for (let i = 0; i < users; i += 1) {
    const hex = i.toString(16).padStart(12, '0');
    const id = `00000000-0000-4000-8000-${hex}`;
    const authenticator = {
      type: 'microsoftAuthenticator' as const,
      id: `10000000-0000-4000-8000-${hex}`,
      displayName: 'Phone',
    };
    const phone = {
      type: 'phone' as const,
      id: MOBILE_ID,
      phoneNumber: '+1 4255550100',
      phoneType: 'mobile' as const,
    };
    const methods = i % 10 === 0 ? [authenticator] : i % 10 === 1 ? [phone] : [authenticator, phone];
    seed.users.push({
      id,
      userPrincipalName: `bench${i}@contoso.onmicrosoft.com`,
      displayName: `Bench User ${i}`,
      authenticationMethods: methods,
    } as unknown as TenantData['users'][number]);
  }
  return seed;
}

/**
 * One scanRegistration run of `users` generated users (plus the demo tenant) against the
 * simulator (reports pacing off on both sides) into Azurite, in its own process so its peak RSS is
 * its own.
 */
export async function measureRegistrationScan(users: number): Promise<RegistrationScanFigures> {
  const azurite = await startAzurite();
  const identity = await startIdentityEndpoint();
  const graph = await startGraphSimulator({
    seed: tenantWith(users),
    tokenPublicKeyPem: identity.publicKeyPem,
    reportsThrottling: { enabled: false },
    directoryThrottling: { enabled: false },
  });
  try {
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: CA_CERT_PATH,
      GRAPH_BASE_URL: graph.url,
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
      AZURE_CLIENT_ID: identity.clientId,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      REPORTS_REQUESTS_PER_WINDOW: '0',
      SCAN_REGISTRATION_TIME_BUDGET_SECONDS: '3600',
    };
    graph.clearRequests();
    const { stdout } = await run(process.execPath, [path.join(__dirname, 'registration-scan-probe.js')], {
      env,
      maxBuffer: 1 << 20,
    });
    const result = JSON.parse(stdout) as Omit<RegistrationScanFigures, 'graphRequests' | 'users'>;
    return { ...result, users, graphRequests: graph.requests().filter((request) => !request.inBatch).length };
  } finally {
    await graph.close();
    await identity.close();
    await azurite.stop();
  }
}
