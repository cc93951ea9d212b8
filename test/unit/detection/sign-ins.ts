import type { SignIn } from '../../../src/lib/detection/sign-in';

let next = 0;

/** A failed 500121 sign-in in Graph's v1.0 shape; override what a test cares about. */
export function signIn(overrides: Partial<SignIn> & { details?: string } = {}): SignIn {
  next += 1;
  const { details, ...rest } = overrides;
  return {
    id: `sign-in-${next}`,
    createdDateTime: '2026-11-25T10:00:00Z',
    userId: '11111111-1111-4111-8111-111111111111',
    userPrincipalName: 'adele@contoso.com',
    correlationId: `corr-${next}`,
    appDisplayName: 'Office 365',
    clientAppUsed: 'Browser',
    ipAddress: '203.0.113.7',
    location: { city: 'Redmond', state: 'WA', countryOrRegion: 'US' },
    status: {
      errorCode: 500121,
      failureReason: 'Authentication failed during strong authentication request.',
      additionalDetails: details ?? 'MFA denied; user did not respond to mobile app notification',
    },
    ...rest,
  };
}
