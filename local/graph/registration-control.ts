import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import type { DirectoryAudit } from './directory-audit-store';
import { addSignIns } from './sign-in-generator';
import type { Tenant } from './tenant';

/**
 * `POST /_sim/registrations`: a test plays whoever holds the account. From `ipAddress` (placed in
 * `countryOrRegion`), they sign in with the user's Temporary Access Pass and register a Microsoft
 * Authenticator, as combined registration does: the sign-in goes to the sign-in log (where Graph
 * keeps the location), the method to the user's methods, and "User registered security info" to the
 * directory audit log (which keeps only the address).
 */
const RegistrationSchema = z.strictObject({
  /** Object id or UPN. */
  user: z.string().min(1),
  ipAddress: z.string().min(1),
  countryOrRegion: z.string().length(2),
  city: z.string().optional(),
  /** When the registration happened; now by default. */
  at: z.iso.datetime({ offset: true }).optional(),
});

export interface RecordedRegistration {
  signInId: string;
  methodId: string;
  audit: DirectoryAudit;
}

export function registerAsUser(tenant: Tenant, value: unknown): RecordedRegistration {
  const parsed = RegistrationSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`Invalid registration: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  const { user: key, ipAddress, countryOrRegion, city, at } = parsed.data;
  const user = tenant.findUser(key);
  if (user === undefined) throw new Error(`Invalid registration: no user ${key}`);
  const registeredAt = at === undefined ? new Date() : new Date(at);
  // A minute before registering, but never before the pass existed: the sign-in uses it.
  const pass = tenant.methodsOf(user).find((method) => method.type === 'temporaryAccessPass');
  const passFrom = pass?.createdDateTime === undefined ? -Infinity : Date.parse(pass.createdDateTime) + 1000;
  const signedInAt = new Date(
    Math.min(registeredAt.getTime(), Math.max(registeredAt.getTime() - 60_000, passFrom)),
  );
  const [signIn] = addSignIns(tenant, [
    {
      userId: user.id,
      createdDateTime: signedInAt.toISOString(),
      ipAddress,
      location: { city: city ?? null, state: null, countryOrRegion },
      status: { errorCode: 0 },
      authenticationDetails: [
        {
          authenticationMethod: 'Temporary Access Pass',
          authenticationStepDateTime: signedInAt.toISOString(),
          authenticationStepRequirement: 'Primary authentication',
          succeeded: true,
        },
      ],
      isInteractive: true,
    },
  ]);
  const methodId = randomUUID();
  tenant.putMethod(user, {
    type: 'microsoftAuthenticator',
    id: methodId,
    createdDateTime: registeredAt.toISOString(),
    displayName: 'Registered through /_sim/registrations',
    deviceTag: 'SoftwareTokenActivated',
    clientAppName: 'microsoftAuthenticator',
  });
  const audit = tenant.directoryAudits.userRegistered(
    user,
    'Microsoft Authenticator',
    ipAddress,
    registeredAt,
  );
  return { signInId: String(signIn?.id ?? ''), methodId, audit };
}
