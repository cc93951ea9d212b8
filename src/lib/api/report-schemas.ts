import { z } from 'zod';

import { AT_RISK_CLASSES, REGISTRATION_CLASSES } from '../registration/classify';

/*
 * What the report routes answer (docs/reports.md). Like response-schemas.ts: loose objects, the
 * members listed are the contract. The dashboard renders these same objects, so its figures are
 * the API's.
 */

const dateTime = z.string().describe('An ISO 8601 date and time.');
const count = (description: string) => z.int().min(0).describe(description);

const classCounts = (audience: string) =>
  z
    .partialRecord(z.enum(REGISTRATION_CLASSES), z.int().min(0))
    .describe(`Users per registration class among ${audience}; a class with no users is absent.`);

export const RegistrationSnapshotSchema = z.looseObject({
  runId: z.string().describe("The scan run's id."),
  startedAt: dateTime,
  finishedAt: dateTime,
  users: count('Users the scan read.'),
  counts: z
    .looseObject({
      member: classCounts('members'),
      guest: classCounts('guests'),
      protected: classCounts('protected accounts'),
    })
    .describe('Users per class, for members, guests and protected accounts apart.'),
});

export const RegistrationReportSchema = z.looseObject({
  telephonyProvider: z
    .enum(['microsoft', 'custom'])
    .describe("Who delivers the tenant's SMS and voice calls (TELEPHONY_PROVIDER)."),
  telephonyRetirement: dateTime.describe('When Microsoft-provided SMS and voice delivery ends.'),
  latest: RegistrationSnapshotSchema.nullable().describe('The current snapshot; null before the first scan.'),
  trend: z
    .array(RegistrationSnapshotSchema)
    .describe('Every kept snapshot, oldest first, the current one last.'),
});

export const AtRiskUserSchema = z.looseObject({
  userId: z.string().describe('The object id of the user.'),
  userPrincipalName: z.string().describe('The user principal name.'),
  displayName: z.string().optional().describe('The display name.'),
  audience: z.enum(['member', 'guest', 'protected']).describe('Member, guest or protected account.'),
  class: z.enum(AT_RISK_CLASSES).describe("The user's registration class."),
  methodsRegistered: z.array(z.string()).describe("The methods Entra's registration report lists."),
  telephonyEnds: dateTime
    .optional()
    .describe('For sms_voice_only: when the methods stop working (absent with a custom provider).'),
});

export const RegistrationUsersPageSchema = z.looseObject({
  runId: z.string().optional().describe('The snapshot the page is from; absent before the first scan.'),
  users: z.array(AtRiskUserSchema).describe('The users on this page.'),
  continuationToken: z.string().optional().describe('Pass it back for the next page (of the same snapshot).'),
});

const durations = (what: string) =>
  z
    .looseObject({
      count: count(`Lockouts with a ${what}.`),
      median: z.number().min(0).nullable().describe('The median, in seconds; null when count is 0.'),
      p90: z.number().min(0).nullable().describe('The 90th percentile, in seconds; null when count is 0.'),
    })
    .describe(`The ${what}, in seconds.`);

export const LockoutReportSchema = z.looseObject({
  from: dateTime.describe('The start of the period (inclusive).'),
  to: dateTime.describe('The end of the period (exclusive).'),
  lockouts: z
    .looseObject({
      opened: count('Lockouts flagged in the period.'),
      resolved: count('Of those, lockouts resolved since.'),
      open: count('Of those, lockouts still open or acknowledged.'),
    })
    .describe('Lockouts flagged in the period: opened = resolved + open.'),
  detectionDelay: durations('delay from the first failed sign-in to the flag'),
  timeToRecover: durations('time from the flag to the action that resolved it'),
  resolutionsByAction: z
    .partialRecord(z.enum(['mfa.reset', 'tap.issue', 'mfa.recover', 'lockout.resolve']), z.int().min(0))
    .describe('Resolved lockouts by what resolved them; lockout.resolve is a person closing the flag.'),
  reLockoutsWithin7Days: count(
    "Lockouts flagged within 7 days of the same user's previous one being resolved.",
  ),
  suspectedAttacks: count('Suspected attacks flagged in the period.'),
  protectedRefusals: count('Actions refused in the period because the target is protected.'),
  postRecoveryAnomalies: count('Registrations after a recovery flagged as anomalies in the period.'),
});

export type RegistrationReport = z.infer<typeof RegistrationReportSchema>;
export type RegistrationUsersPage = z.infer<typeof RegistrationUsersPageSchema>;
export type LockoutReport = z.infer<typeof LockoutReportSchema>;
