import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { LockoutFlag } from './lockout-flag';
import { pastEpisodesOnReopen } from './merge-flag';
import type { JudgedRegistration } from './post-recovery-rules';

/** The recovery a watch window follows: one succeeded (or partial) reset or TAP from the audit trail. */
export interface Recovery {
  auditId: string;
  action: 'mfa.reset' | 'tap.issue' | 'mfa.recover';
  userId: string;
  userPrincipalName?: string;
  /** When the action started: the window opens here. */
  time: string;
}

const ReasonSchema = z.enum(['new_ip_address', 'new_country', 'ip_address_unknown', 'several_methods']);

export const PostRecoveryAnomalySchema = z.object({
  recovery: z.object({
    auditId: z.string(),
    action: z.enum(['mfa.reset', 'tap.issue', 'mfa.recover']),
    time: z.string(),
  }),
  registrations: z.array(
    z.object({
      id: z.string(),
      time: z.string(),
      ipAddress: z.string().optional(),
      country: z.string().optional(),
      method: z.string().optional(),
      reasons: z.array(ReasonSchema),
    }),
  ),
});

/** What a `post_recovery_anomaly` flag keeps: the recovery and the registrations that raised it. */
export type PostRecoveryAnomaly = z.infer<typeof PostRecoveryAnomalySchema>;
type RaisedRegistration = PostRecoveryAnomaly['registrations'][number];

/** Newest kept; far more than one watch window produces. Ids dropped past it were raised long ago. */
export const MAX_ANOMALY_REGISTRATIONS = 50;

export type AnomalyMerge =
  | { kind: 'unchanged' }
  | {
      kind: 'opened' | 'reopened' | 'updated';
      flag: LockoutFlag;
      raised: RaisedRegistration[];
      eventId: string;
    };

/** A UUID-shaped id from what identifies the event, so a re-run sends the same one (consumers dedupe). */
export function anomalyEventId(userId: string, registrationIds: readonly string[]): string {
  const identity = `${userId.toLowerCase()}|post_recovery_anomaly|${[...registrationIds].sort().join(',')}`;
  const hex = createHash('sha256').update(identity).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function raisedOf(registration: JudgedRegistration): RaisedRegistration {
  const { id, time, ipAddress, country, method, reasons } = registration;
  return {
    id,
    time,
    ...(ipAddress === undefined ? {} : { ipAddress }),
    ...(country === undefined ? {} : { country }),
    ...(method === undefined ? {} : { method }),
    reasons: [...reasons],
  };
}

/**
 * Folds a window's anomalous registrations into the user's flag. Pure. A registration already on
 * the flag never raises again, whatever the flag's status. A new one opens a flag (none, or a
 * resolved one re-opens), turns an unresolved lockout flag into `post_recovery_anomaly` (open again),
 * and leaves an unresolved `suspected_attack` flag in its category (security operations own it).
 */
export function mergeAnomaly(
  existing: LockoutFlag | undefined,
  input: { recovery: Recovery; anomalous: readonly JudgedRegistration[]; now: Date },
): AnomalyMerge {
  const known = new Set((existing?.anomaly?.registrations ?? []).map((registration) => registration.id));
  const raised = input.anomalous.filter((registration) => !known.has(registration.id)).map(raisedOf);
  if (raised.length === 0) return { kind: 'unchanged' };
  const now = input.now.toISOString();
  const { recovery } = input;
  const eventId = anomalyEventId(
    recovery.userId,
    raised.map((registration) => registration.id),
  );
  const registrations = [...raised, ...(existing?.anomaly?.registrations ?? [])]
    .sort((a, b) => b.time.localeCompare(a.time))
    .slice(0, MAX_ANOMALY_REGISTRATIONS);
  const anomaly: PostRecoveryAnomaly = {
    recovery: { auditId: recovery.auditId, action: recovery.action, time: recovery.time },
    registrations,
  };
  const times = raised.map((registration) => registration.time).sort();
  const first = times[0] ?? now;
  const last = times[times.length - 1] ?? now;
  const upn = recovery.userPrincipalName ?? existing?.userPrincipalName;

  if (existing === undefined || existing.status === 'resolved') {
    const flag: LockoutFlag = {
      userId: recovery.userId.toLowerCase(),
      ...(upn ? { userPrincipalName: upn } : {}),
      category: 'post_recovery_anomaly',
      status: 'open',
      protected: existing?.protected ?? false,
      lockoutAttempts: 0,
      attackAttempts: 0,
      // For this category, the first and last anomalous registration.
      firstFailureAt: first,
      lastFailureAt: last,
      recentEvents: existing?.recentEvents ?? [],
      // Kept: the attempts already counted must not be counted again by the lockout scan.
      countedAttempts: existing?.countedAttempts ?? [],
      openedAt: now,
      updatedAt: now,
      openEventId: eventId,
      reopenCount: existing ? existing.reopenCount + 1 : 0,
      ...(existing ? { pastEpisodes: pastEpisodesOnReopen(existing) } : {}),
      anomaly,
    };
    return { kind: existing ? 'reopened' : 'opened', flag, raised, eventId };
  }
  const flag: LockoutFlag = {
    ...existing,
    ...(upn ? { userPrincipalName: upn } : {}),
    category: existing.category === 'suspected_attack' ? 'suspected_attack' : 'post_recovery_anomaly',
    status: existing.category === 'lockout' ? 'open' : existing.status,
    lastFailureAt: last > existing.lastFailureAt ? last : existing.lastFailureAt,
    updatedAt: now,
    anomaly,
  };
  return { kind: 'updated', flag, raised, eventId };
}
