import { z } from 'zod';

import { parseThrottling, retryAfterSeconds } from './rate-limit';

/**
 * Graph's identity and access service limits per app and tenant
 * (https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits):
 * token buckets of resource units (S < 50 users 3,500, M 50–500 5,000, L > 500 8,000 per 10 s) and
 * of writes (3,000 per 2 min 30 s). The per-app (all tenants) and per-tenant (all apps) quotas
 * aren't simulated: one tenant with a few apps stays below them. As for the reports limit, only
 * requests let through use the allowance (inferred).
 */

export const DirectoryThrottlingSchema = z.strictObject({
  /** Off for benchmarks; on by default, as in Graph. */
  enabled: z.boolean().default(true),
  /** Units per window; `tenantSize` picks Graph's S/M/L quota from the tenant's user count. */
  resourceUnits: z.union([z.literal('tenantSize'), z.int().min(1)]).default('tenantSize'),
  resourceUnitWindowMs: z.int().min(1).default(10_000),
  writes: z.int().min(1).default(3_000),
  writeWindowMs: z.int().min(1).default(150_000),
});

export type DirectoryThrottling = z.infer<typeof DirectoryThrottlingSchema>;
export type DirectoryThrottlingInput = z.input<typeof DirectoryThrottlingSchema>;

/** The app+tenant resource-unit quota per 10 s for a tenant of this many users. */
export function tenantSizeQuota(userCount: number): number {
  if (userCount < 50) return 3_500;
  return userCount <= 500 ? 5_000 : 8_000;
}

/** What a request costs: its resource units, and 1 write for POST/PATCH/PUT/DELETE. */
export interface DirectoryCost {
  units: number;
  writes: number;
}

export type DirectoryDecision =
  /** `usage`: the share of the nearer limit in use after this request (1 = full). */
  | { ok: true; usage: number }
  | {
      ok: false;
      /** The doc's `x-ms-throttle-scope` limit: ReadWrite (all requests) or Write. */
      limit: 'ReadWrite' | 'Write';
      information: 'ResourceUnitLimitExceeded' | 'WriteLimitExceeded';
      retryAfterSeconds: number;
    };

/** A bucket seen from its empty side: units in use, draining at `limit` per `windowMs`. */
interface Usage {
  used: number;
  at: number;
}

interface Bucket {
  limit: number;
  windowMs: number;
}

function inUse(usage: Usage | undefined, bucket: Bucket, now: number): number {
  if (usage === undefined) return 0;
  return Math.max(0, usage.used - ((now - usage.at) * bucket.limit) / bucket.windowMs);
}

/**
 * Milliseconds until `cost` fits. An idle bucket takes any request, so a custom limit below a
 * route's cost still lets one through per window (inferred; Graph's quotas dwarf any cost).
 */
function waitMs(used: number, cost: number, bucket: Bucket): number {
  if (cost === 0 || used === 0 || used + cost <= bucket.limit) return 0;
  return ((used - Math.max(0, bucket.limit - cost)) * bucket.windowMs) / bucket.limit;
}

export class DirectoryThrottle {
  private settings: DirectoryThrottling = parseThrottling(DirectoryThrottlingSchema, {});
  private readonly usage = new Map<string, { units: Usage; writes: Usage }>();

  configure(settings: DirectoryThrottlingInput): DirectoryThrottling {
    this.settings = parseThrottling(DirectoryThrottlingSchema, settings);
    this.usage.clear();
    return { ...this.settings };
  }

  current(): DirectoryThrottling {
    return { ...this.settings };
  }

  /** Forgets the units and writes used so far (settings stay). */
  forget(): void {
    this.usage.clear();
  }

  /** Charges a request to `key` (app + tenant), or says which limit it exceeds and for how long. */
  take(key: string, cost: DirectoryCost, userCount: number, now = Date.now()): DirectoryDecision {
    if (!this.settings.enabled) return { ok: true, usage: 0 };
    const { resourceUnits, resourceUnitWindowMs, writes, writeWindowMs } = this.settings;
    const unitBucket = {
      limit: resourceUnits === 'tenantSize' ? tenantSizeQuota(userCount) : resourceUnits,
      windowMs: resourceUnitWindowMs,
    };
    const writeBucket = { limit: writes, windowMs: writeWindowMs };
    const state = this.usage.get(key);
    const units = inUse(state?.units, unitBucket, now);
    const written = inUse(state?.writes, writeBucket, now);
    const unitWait = waitMs(units, cost.units, unitBucket);
    const writeWait = waitMs(written, cost.writes, writeBucket);
    if (unitWait > 0 || writeWait > 0) {
      // Both must fit, so the longer wait is the one to report.
      return writeWait > unitWait
        ? {
            ok: false,
            limit: 'Write',
            information: 'WriteLimitExceeded',
            retryAfterSeconds: retryAfterSeconds(writeWait),
          }
        : {
            ok: false,
            limit: 'ReadWrite',
            information: 'ResourceUnitLimitExceeded',
            retryAfterSeconds: retryAfterSeconds(unitWait),
          };
    }
    const next = {
      units: { used: units + cost.units, at: now },
      writes: { used: written + cost.writes, at: now },
    };
    this.usage.set(key, next);
    return {
      ok: true,
      usage: Math.max(next.units.used / unitBucket.limit, next.writes.used / writeBucket.limit),
    };
  }
}
