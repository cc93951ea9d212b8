import { createHash, randomUUID } from 'node:crypto';

import type { SignInSeed, TenantData, UserSeed } from './seed-schema';

/**
 * The tenant's sign-in log (resources/signin, beta): events in Graph's `signIn` shape (beta,
 * the superset; routes project them per version), each optionally with the simulator-only
 * `visibleAfter`. Kept sorted newest first (createdDateTime, then insertion order) so a list
 * request binary-searches its time range and pages by position: no per-request sort, which the
 * detection benchmark (100,000 events) needs. The seed's `signIns` array is the same event objects
 * in insertion order, so `GET /_sim/state` and reset see them.
 */

/** What the store keeps per event: the Graph-shaped object and its sort key. */
export interface StoredSignIn {
  /** createdDateTime in ms. */
  time: number;
  /** Insertion number; among equal times the later-added event sorts first (newest first). */
  seq: number;
  /** `visibleAfter` in ms, or 0. */
  visibleAt: number;
  event: SignInSeed;
}

/** Sign-ins before now minus this are gone ([doc] reference-reports-data-retention: 30 days with P1/P2). */
export const SIGN_IN_RETENTION_DAYS = 30;

/** Position where an event of (time, seq) belongs in the newest-first order: the first index not newer. */
function lowerIndex(events: readonly StoredSignIn[], time: number, seq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const candidate = events[middle] as StoredSignIn;
    const newer = candidate.time > time || (candidate.time === time && candidate.seq > seq);
    if (newer) low = middle + 1;
    else high = middle;
  }
  return low;
}

const newestFirst = (a: StoredSignIn, b: StoredSignIn) => b.time - a.time || b.seq - a.seq;

export class SignInStore {
  private sorted: StoredSignIn[] = [];
  private readonly byId = new Map<string, StoredSignIn>();
  private nextSeq = 1;

  /** `seedEvents` is the tenant data's own array: added events are appended to it too. */
  constructor(private readonly seedEvents: SignInSeed[]) {
    this.index(seedEvents);
  }

  get size(): number {
    return this.sorted.length;
  }

  /** Adds complete events (see `completeSignIn`); an id already stored is replaced. */
  add(events: readonly SignInSeed[]): void {
    const replaced = events.some((event) => this.byId.has(event.id.toLowerCase()));
    if (replaced) {
      const ids = new Set(events.map((event) => event.id.toLowerCase()));
      this.sorted = this.sorted.filter((stored) => !ids.has(stored.event.id.toLowerCase()));
      const kept = this.seedEvents.filter((event) => !ids.has(event.id.toLowerCase()));
      this.seedEvents.length = 0;
      for (const event of kept) this.seedEvents.push(event);
    }
    for (const event of events) this.seedEvents.push(event);
    this.index(events);
  }

  get(id: string): StoredSignIn | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** Index of the first event at or older than `time` (ms), newest-first. */
  indexAtOrBefore(time: number): number {
    return lowerIndex(this.sorted, time, Number.MAX_SAFE_INTEGER);
  }

  /** Index of the first event strictly older than the event at (time, seq) (seqs are integers). */
  indexOlderThan(time: number, seq: number): number {
    return lowerIndex(this.sorted, time, seq - 1);
  }

  /** Index of the last event strictly newer than the event at (time, seq); -1 when none. */
  indexNewerThan(time: number, seq: number): number {
    return lowerIndex(this.sorted, time, seq) - 1;
  }

  at(index: number): StoredSignIn | undefined {
    return this.sorted[index];
  }

  private index(events: readonly SignInSeed[]): void {
    const added = events.map((event): StoredSignIn => ({
      time: Date.parse(event.createdDateTime),
      seq: this.nextSeq++,
      visibleAt: event.visibleAfter === undefined ? 0 : Date.parse(event.visibleAfter),
      event,
    }));
    for (const stored of added) this.byId.set(stored.event.id.toLowerCase(), stored);
    added.sort(newestFirst);
    // Merge two newest-first runs: O(n + m), no full sort of the store.
    const merged: StoredSignIn[] = new Array<StoredSignIn>(this.sorted.length + added.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.sorted.length && j < added.length) {
      const left = this.sorted[i] as StoredSignIn;
      const right = added[j] as StoredSignIn;
      if (newestFirst(left, right) <= 0) {
        merged[k++] = left;
        i += 1;
      } else {
        merged[k++] = right;
        j += 1;
      }
    }
    while (i < this.sorted.length) merged[k++] = this.sorted[i++] as StoredSignIn;
    while (j < added.length) merged[k++] = added[j++] as StoredSignIn;
    this.sorted = merged;
  }
}

/** Failure reasons and details per code, as the sign-in log shows them (reference-error-codes, [obs]). */
export const SIGN_IN_ERRORS: Record<number, { failureReason: string | null; details: string[] }> = {
  0: { failureReason: null, details: [] },
  // [obs] failureReason; the details are the observed 500121 texts (Sentinel "Explicit MFA Deny", public logs).
  500121: {
    failureReason: 'Authentication failed during strong authentication request.',
    details: [
      'MFA denied; user declined the authentication',
      'MFA denied; Phone App Reported Fraud',
      'MFA denied; user did not respond to mobile app notification',
    ],
  },
  // Names from the AADSTS reference (reference-error-codes); the wording of failureReason is inferred from them.
  50074: {
    failureReason: 'Strong Authentication is required.',
    details: ['The user did not pass the MFA challenge.'],
  },
  50076: {
    failureReason:
      'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
    details: ['User did not complete multi-factor authentication.'],
  },
  50079: {
    failureReason:
      'Due to a configuration change made by your administrator, you must enroll in multi-factor authentication.',
    details: ['User needs to register security info.'],
  },
  50126: {
    failureReason: 'Error validating credentials due to invalid username or password.',
    details: [
      "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.",
    ],
  },
  50053: {
    failureReason: 'Account is locked.',
    details: ['Sign-in was blocked because it came from an IP address with malicious activity.'],
  },
};

function statusFor(errorCode: number, additionalDetails?: string | null) {
  const known = SIGN_IN_ERRORS[errorCode];
  return {
    errorCode,
    failureReason: errorCode === 0 ? null : (known?.failureReason ?? 'Other.'),
    additionalDetails: additionalDetails ?? (errorCode === 0 ? null : (known?.details[0] ?? null)),
  };
}

/** A signIn as given to the control API: Graph's shape, every field optional, plus `visibleAfter`. */
export interface SignInInput {
  id?: string;
  createdDateTime?: string;
  userId?: string;
  userPrincipalName?: string | null;
  isInteractive?: boolean;
  status?: { errorCode?: number; failureReason?: string | null; additionalDetails?: string | null } | null;
  /** Simulator only: hidden from the API until then. */
  visibleAfter?: string;
  [property: string]: unknown;
}

/**
 * A UPN as the sign-in log stores it: lower case, and a guest's `#EXT#` form as the home UPN
 * (`AdeleVance_fabrikam.com#EXT#@contoso.com` → `adelevance@fabrikam.com`) [doc beta signIn resource].
 */
export function signInLogUpn(upn: string): string {
  const lower = upn.toLowerCase();
  const guest = /^(.+)_([^_]+)#ext#@/.exec(lower);
  return guest === null ? lower : `${guest[1]}@${guest[2]}`;
}

/** A sign-in without risk, as the docs' examples show one (the route hides the P2 ones without P2). */
export const NO_RISK = {
  riskDetail: 'none',
  riskLevelAggregated: 'none',
  riskLevelDuringSignIn: 'none',
  riskState: 'none',
} as const;

const MICROSOFT_TENANT_APP = {
  appId: '00000002-0000-0ff1-ce00-000000000000',
  appDisplayName: 'Office 365 Exchange Online',
};

/**
 * Fills what a caller left out (sensible values, inferred): a new id, createdDateTime now,
 * the user's UPN (as the log stores it: `signInLogUpn`) and display name from the tenant when the
 * userId or UPN names a seeded user (otherwise taken as given: the log keeps sign-ins of deleted
 * or unknown accounts), status from the error code, an app, client app, IP, location, a
 * correlation id, conditionalAccessStatus, no risk, isInteractive. Throws when neither userId nor
 * userPrincipalName is given.
 */
export function completeSignIn(
  input: SignInInput,
  tenant: Readonly<TenantData>,
  now = new Date(),
): SignInSeed {
  const key = (input.userId ?? input.userPrincipalName ?? '').toLowerCase();
  if (key === '') throw new Error('a sign-in needs a userId or a userPrincipalName');
  const user: UserSeed | undefined = tenant.users.find(
    (candidate) => candidate.id.toLowerCase() === key || candidate.userPrincipalName.toLowerCase() === key,
  );
  const errorCode = input.status?.errorCode ?? 0;
  const status = {
    ...statusFor(errorCode, input.status?.additionalDetails),
    ...stripUndefined(input.status ?? {}),
  };
  status.errorCode = errorCode;
  const isInteractive = input.isInteractive ?? true;
  return {
    ...MICROSOFT_TENANT_APP,
    clientAppUsed: 'Browser',
    ipAddress: '203.0.113.10',
    location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US', geoCoordinates: null },
    correlationId: randomUUID(),
    conditionalAccessStatus: 'notApplied',
    ...NO_RISK,
    resourceDisplayName: 'Office 365 Exchange Online',
    resourceId: MICROSOFT_TENANT_APP.appId,
    userDisplayName: user?.displayName ?? null,
    signInEventTypes: [isInteractive ? 'interactiveUser' : 'nonInteractiveUser'],
    ...stripUndefined(input),
    id: input.id ?? randomUUID(),
    createdDateTime: input.createdDateTime ?? now.toISOString(),
    userId: input.userId ?? user?.id ?? '00000000-0000-0000-0000-000000000000',
    userPrincipalName: signInLogUpn(input.userPrincipalName ?? user?.userPrincipalName ?? '') || null,
    isInteractive,
    status,
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Deterministic GUID from text (for generated users and events). */
export function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
