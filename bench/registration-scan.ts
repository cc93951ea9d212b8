import { DEMO_SEED_PATH, loadSeedFile, type TenantData } from '../local/graph';
import type { ScanRegistrationReport } from '../src/lib/registration/scan-registration';
import { type ScanFigures, startScanStack } from './scan-process';

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
 * One first scanRegistration run (every at-risk user is new, so each gets an event) of `users`
 * generated users plus the demo tenant, in its own process on a fresh stack.
 */
export async function measureRegistrationScan(
  users: number,
  options: { heapCapMb?: number } = {},
): Promise<ScanFigures<ScanRegistrationReport>> {
  const stack = await startScanStack(tenantWith(users));
  try {
    return await stack.scan<ScanRegistrationReport>('registration', {
      ...options,
      settings: { SCAN_REGISTRATION_TIME_BUDGET_SECONDS: '3600' },
    });
  } finally {
    await stack.close();
  }
}
