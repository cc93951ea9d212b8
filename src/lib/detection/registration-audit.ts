import { z } from 'zod';

import { isGuid } from '../guid';

const text = z.string().nullish();

/**
 * The directory audit Microsoft writes each time a user registers one authentication method
 * (service `Authentication Methods`, category `UserManagement`). Its siblings are left out on
 * purpose: "User registered all required security info" closes a registration session (no method of
 * its own), and "Admin registered security info" is what a TAP or phone added by this app writes.
 */
export const USER_REGISTERED_SECURITY_INFO = 'User registered security info';
export const AUTHENTICATION_METHODS_SERVICE = 'Authentication Methods';

/** The parts of Graph's v1.0 `directoryAudit` resource the watch reads; lenient on the rest. */
export const RegistrationAuditSchema = z.object({
  id: z.string().min(1),
  activityDateTime: z.iso.datetime({ offset: true }),
  result: text,
  initiatedBy: z.object({ user: z.object({ id: text, ipAddress: text }).nullish() }).nullish(),
  targetResources: z.array(z.object({ id: text, type: text })).nullish(),
  additionalDetails: z.array(z.object({ key: text, value: text })).nullish(),
});

/** One method a user registered. */
export interface Registration {
  id: string;
  time: string;
  /** Lower-case object id of the user the method was registered for. */
  userId: string;
  /** Where the registering browser was; absent when the audit carries none. */
  ipAddress?: string;
  /** The method, as the audit names it (e.g. "Phone"); absent when it does not. */
  method?: string;
}

const MAX_TEXT = 100;

/** A successful registration for a user, or undefined for anything else (failures, no user). */
export function toRegistration(item: unknown): Registration | undefined {
  const parsed = RegistrationAuditSchema.safeParse(item);
  if (!parsed.success || parsed.data.result !== 'success') return undefined;
  const audit = parsed.data;
  const target = audit.targetResources?.find((resource) => resource.type === 'User')?.id;
  const userId = target ?? audit.initiatedBy?.user?.id;
  if (!userId) return undefined;
  const registration: Registration = {
    id: audit.id,
    time: new Date(audit.activityDateTime).toISOString(),
    userId: userId.toLowerCase(),
  };
  const ipAddress = audit.initiatedBy?.user?.ipAddress?.trim();
  if (ipAddress) registration.ipAddress = ipAddress.slice(0, MAX_TEXT);
  const method = audit.additionalDetails?.find((detail) => /method/i.test(detail.key ?? ''))?.value;
  if (method) registration.method = method.slice(0, MAX_TEXT);
  return registration;
}

export interface RegistrationQuery {
  start: Date;
  end: Date;
  /** Only this user's registrations (they initiate their own); every user's when absent. */
  userId?: string;
}

/**
 * `activityDateTime` with `ge`/`le`, `loggedByService` and `activityDisplayName` with `eq`, and
 * `initiatedBy/user/id` with `eq`: the filters Microsoft documents for directoryAudits. Times are
 * unquoted literals, as for sign-ins.
 */
export function registrationListPath(query: RegistrationQuery): string {
  const clauses = [
    `activityDateTime ge ${query.start.toISOString()}`,
    `activityDateTime le ${query.end.toISOString()}`,
    `loggedByService eq '${AUTHENTICATION_METHODS_SERVICE}'`,
    `activityDisplayName eq '${USER_REGISTERED_SECURITY_INFO}'`,
  ];
  if (query.userId !== undefined) {
    // Object ids only: nothing else may reach the filter text.
    if (!isGuid(query.userId)) throw new Error('A registration query needs an object id.');
    clauses.push(`initiatedBy/user/id eq '${query.userId.toLowerCase()}'`);
  }
  return `/auditLogs/directoryAudits?$filter=${encodeURIComponent(clauses.join(' and '))}`;
}

/** The user's successful sign-ins in `[start, end]` (errorCode 0), newest first. */
export function userSignInsPath(query: { userId: string; start: Date; end: Date }): string {
  if (!isGuid(query.userId)) throw new Error('A sign-in query needs an object id.');
  const filter =
    `userId eq '${query.userId.toLowerCase()}' and createdDateTime ge ${query.start.toISOString()}` +
    ` and createdDateTime le ${query.end.toISOString()} and status/errorCode eq 0`;
  return `/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`;
}
