import { z } from 'zod';

import { type SignInSeed, SignInSeedSchema } from './seed-schema';
import {
  completeSignIn,
  guidFrom,
  NO_RISK,
  SIGN_IN_ERRORS,
  type SignInInput,
  signInLogUpn,
} from './sign-in-store';
import type { Tenant } from './tenant';

/** Adds signIn resources (Graph's shape, fields defaulted by `completeSignIn`); returns them as stored. */
export function addSignIns(tenant: Tenant, inputs: unknown): SignInSeed[] {
  if (!Array.isArray(inputs)) throw new Error('Expected a JSON array of signIn resources.');
  const problems: string[] = [];
  const events: SignInSeed[] = [];
  inputs.forEach((input: unknown, i) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      problems.push(`  [${i}]: not an object`);
      return;
    }
    try {
      const parsed = SignInSeedSchema.safeParse(completeSignIn(input as SignInInput, tenant.view()));
      if (parsed.success) events.push(parsed.data);
      else
        for (const issue of parsed.error.issues)
          problems.push(`  [${i}].${issue.path.join('.')}: ${issue.message}`);
    } catch (error) {
      problems.push(`  [${i}]: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (problems.length > 0) throw new Error(`Invalid sign-ins:\n${problems.join('\n')}`);
  tenant.signIns.add(events);
  return events;
}

const DateTime = z.iso.datetime({ offset: true });

export const GenerateSignInsSchema = z
  .strictObject({
    count: z.int().min(1).max(1_000_000),
    /** How many synthetic users (user{n}@{initialDomain}, ids derived from n), or seeded users' ids / UPNs. */
    users: z.union([z.int().min(1), z.array(z.string().min(1)).min(1)]),
    /** Codes to mix, uniformly; default 500121, 50074, 50076 and 0 (success). */
    errorCodes: z.array(z.int()).min(1).default([500121, 50074, 50076, 0]),
    /** createdDateTime range (events spread evenly, newest at `until`); default the last 24 hours. */
    since: DateTime.optional(),
    until: DateTime.optional(),
    /** Same seed and range: the same events (ids too, so generating twice replaces). */
    seed: z.int().default(1),
    /** Applied to every event generated. */
    visibleAfter: DateTime.optional(),
  })
  .refine((spec) => spec.since === undefined || spec.until === undefined || spec.since <= spec.until, {
    error: 'since must not be after until',
  });

export type GenerateSignInsSpec = z.input<typeof GenerateSignInsSchema>;

export interface GeneratedSignIns {
  count: number;
  users: number;
  since: string;
  until: string;
  /** Events per status.errorCode. */
  byErrorCode: Record<string, number>;
}

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = [
  { appId: '00000002-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 Exchange Online' },
  { appId: '89bee1f7-5e6e-4d8a-9f3d-ecd601259da7', appDisplayName: 'Office365 Shell WCSS-Client' },
  { appId: '4765445b-32c6-49b0-83e6-1d93765276ca', appDisplayName: 'OfficeHome' },
];
const CLIENTS = ['Browser', 'Mobile Apps and Desktop clients'];
const PLACES = [
  { city: 'Redmond', state: 'Washington', countryOrRegion: 'US' },
  { city: 'London', state: 'England', countryOrRegion: 'GB' },
  { city: 'Sydney', state: 'New South Wales', countryOrRegion: 'AU' },
];

/**
 * N events across M users with a mix of codes and, for 500121, of the observed details (declined,
 * fraud reported, no response); deterministic for a given spec. Built directly (not through
 * `completeSignIn`) so 100,000 events take well under a second.
 */
export function generateSignIns(tenant: Tenant, value: unknown): GeneratedSignIns {
  const parsed = GenerateSignInsSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`Invalid generate spec: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  const spec = parsed.data;
  const directory = tenant.view();
  const until = spec.until === undefined ? Date.now() : Date.parse(spec.until);
  const since = spec.since === undefined ? until - 24 * 60 * 60 * 1000 : Date.parse(spec.since);
  const users =
    typeof spec.users === 'number'
      ? Array.from({ length: spec.users }, (_, n) => ({
          id: guidFrom(`simulated-user-${n}`),
          userPrincipalName: `user${n}@${directory.tenant.initialDomain}`.toLowerCase(),
          displayName: `User ${n}`,
        }))
      : spec.users.map((key) => {
          const user = tenant.findUser(key);
          if (user === undefined) throw new Error(`Invalid generate spec: no user ${key}`);
          return {
            id: user.id,
            userPrincipalName: signInLogUpn(user.userPrincipalName),
            displayName: user.displayName,
          };
        });
  const next = random(spec.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const span = until - since;
  const byErrorCode: Record<string, number> = {};
  const events: SignInSeed[] = new Array<SignInSeed>(spec.count);
  for (let i = 0; i < spec.count; i += 1) {
    const user = pick(users);
    const errorCode = pick(spec.errorCodes);
    const known = SIGN_IN_ERRORS[errorCode];
    const app = pick(APPS);
    const time = spec.count === 1 ? until : until - Math.floor((span * i) / (spec.count - 1));
    const key = `${spec.seed}|${since}|${until}|${i}`;
    byErrorCode[errorCode] = (byErrorCode[errorCode] ?? 0) + 1;
    events[i] = {
      id: guidFrom(`signin|${key}`),
      createdDateTime: new Date(time).toISOString(),
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      userDisplayName: user.displayName,
      ...app,
      clientAppUsed: pick(CLIENTS),
      correlationId: guidFrom(`correlation|${key}`),
      conditionalAccessStatus: errorCode === 0 ? 'success' : 'notApplied',
      ...NO_RISK,
      ipAddress: `198.51.100.${1 + Math.floor(next() * 250)}`,
      location: { ...pick(PLACES), geoCoordinates: null },
      isInteractive: true,
      signInEventTypes: ['interactiveUser'],
      resourceDisplayName: app.appDisplayName,
      resourceId: app.appId,
      status: {
        errorCode,
        failureReason: errorCode === 0 ? null : (known?.failureReason ?? 'Other.'),
        additionalDetails: errorCode === 0 ? null : known === undefined ? null : pick(known.details),
      },
      ...(spec.visibleAfter === undefined ? {} : { visibleAfter: spec.visibleAfter }),
    };
  }
  tenant.signIns.add(events);
  return {
    count: spec.count,
    users: users.length,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    byErrorCode,
  };
}
