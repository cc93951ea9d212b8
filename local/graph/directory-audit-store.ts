import { randomUUID } from 'node:crypto';

import type { UserSeed } from './seed-schema';

/**
 * One directoryAudit as Graph's v1.0 resource page describes it
 * (https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit): who initiated it (a user
 * with an address, or an app), what it targeted, and key/value details.
 */
export interface DirectoryAudit {
  id: string;
  category: string;
  correlationId: string;
  result: 'success' | 'failure' | 'timeout';
  resultReason: string;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  operationType: string;
  initiatedBy: {
    user: {
      id: string;
      displayName: string | null;
      userPrincipalName: string;
      ipAddress: string | null;
    } | null;
    app: {
      appId: string;
      displayName: string | null;
      servicePrincipalId: string;
      servicePrincipalName: string | null;
    } | null;
  };
  targetResources: {
    id: string;
    displayName: string | null;
    type: string;
    userPrincipalName: string | null;
    groupType: null;
    modifiedProperties: [];
  }[];
  additionalDetails: { key: string; value: string }[];
}

/**
 * The audit events registration writes (Authentication Methods service, category UserManagement):
 * https://learn.microsoft.com/en-us/entra/identity/authentication/howto-registration-mfa-sspr-combined-troubleshoot
 * lists "User registered security info" (reason "User registered method.") for a method a user
 * registers. The admin counterpart's wording follows the same table's naming (inferred).
 */
export const USER_REGISTERED = 'User registered security info';
export const ADMIN_REGISTERED = 'Admin registered security info';

function targetOf(user: UserSeed): DirectoryAudit['targetResources'][number] {
  return {
    id: user.id,
    displayName: user.displayName ?? null,
    type: 'User',
    userPrincipalName: user.userPrincipalName,
    groupType: null,
    modifiedProperties: [],
  };
}

function registration(
  user: UserSeed,
  activity: string,
  initiatedBy: DirectoryAudit['initiatedBy'],
  method: string,
  at: Date,
): DirectoryAudit {
  return {
    id: `Authentication Methods_${randomUUID()}`,
    category: 'UserManagement',
    correlationId: randomUUID(),
    result: 'success',
    resultReason: activity === USER_REGISTERED ? 'User registered method.' : 'Admin registered method.',
    activityDisplayName: activity,
    activityDateTime: at.toISOString(),
    loggedByService: 'Authentication Methods',
    operationType: 'Add',
    initiatedBy,
    targetResources: [targetOf(user)],
    // Key name inferred.
    additionalDetails: [{ key: 'Method', value: method }],
  };
}

/** The tenant's directory audit log, newest first. */
export class DirectoryAuditStore {
  private readonly audits: DirectoryAudit[] = [];

  /** A method the user registered themselves, from `ipAddress`. */
  userRegistered(user: UserSeed, method: string, ipAddress: string, at = new Date()): DirectoryAudit {
    const initiatedBy = {
      user: {
        id: user.id,
        displayName: user.displayName ?? null,
        userPrincipalName: user.userPrincipalName,
        ipAddress,
      },
      app: null,
    };
    return this.add(registration(user, USER_REGISTERED, initiatedBy, method, at));
  }

  /** A method an app registered for the user through Graph (a TAP, a phone). */
  adminRegistered(user: UserSeed, method: string, appId: string, at = new Date()): DirectoryAudit {
    const initiatedBy = {
      user: null,
      app: { appId, displayName: null, servicePrincipalId: appId, servicePrincipalName: null },
    };
    return this.add(registration(user, ADMIN_REGISTERED, initiatedBy, method, at));
  }

  private add(audit: DirectoryAudit): DirectoryAudit {
    const at = this.audits.findIndex((other) => other.activityDateTime <= audit.activityDateTime);
    this.audits.splice(at === -1 ? this.audits.length : at, 0, audit);
    return audit;
  }

  /** Newest first. */
  list(): readonly DirectoryAudit[] {
    return this.audits;
  }
}
