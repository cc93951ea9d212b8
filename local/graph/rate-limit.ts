import { z } from 'zod';

import type { AccessTokenClaims } from '../identity';

/**
 * A sliding-window request limit per key (app + tenant), as Graph applies to the identity and
 * access reports APIs: 5 requests per 10 seconds per app per tenant ([doc] throttling-limits,
 * "Identity and access reports service limits"). Only requests let through count (inferred: a
 * throttled request isn't served, so it shouldn't use up the allowance).
 */

export const ReportsThrottlingSchema = z.strictObject({
  /** Off for benchmarks; on by default, as in Graph. */
  enabled: z.boolean().default(true),
  requests: z.int().min(1).default(5),
  windowMs: z.int().min(1).default(10_000),
});

export type ReportsThrottling = z.infer<typeof ReportsThrottlingSchema>;
export type ReportsThrottlingInput = z.input<typeof ReportsThrottlingSchema>;

/**
 * The same limit on a user's authentication methods (`/users/{id}/authentication/methods`, the
 * per-type `…Methods` collections, `qrCodePinMethod`): the throttling-limits page lists
 * `authenticationMethod` among the identity and access reports resources. Whether Graph applies it
 * to these paths, and not only to the authentication methods reports, isn't said, so it is off by
 * default (inferred); a test turns it on to see the app degrade rather than fail.
 */
export const AuthenticationMethodsThrottlingSchema = ReportsThrottlingSchema.extend({
  enabled: z.boolean().default(false),
});

/** Parses a limit's settings (missing ones defaulted), throwing one message that lists every problem. */
export function parseThrottling<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new Error(`Invalid throttling: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return parsed.data;
}

export function parseReportsThrottling(value: unknown): ReportsThrottling {
  return parseThrottling(ReportsThrottlingSchema, value);
}

/** Graph's limits are per application and tenant. */
export function throttleKey(claims: AccessTokenClaims): string {
  return `${claims.appid}|${claims.tid}`;
}

/** `Retry-After` in whole seconds, rounded up and at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

export class RequestRateLimiter {
  private settings: ReportsThrottling;
  private readonly windows = new Map<string, number[]>();

  /** `schema`: the limit's settings and their defaults (the reports limit's unless given). */
  constructor(
    private readonly schema: z.ZodType<ReportsThrottling, ReportsThrottlingInput> = ReportsThrottlingSchema,
  ) {
    this.settings = parseThrottling(schema, {});
  }

  configure(settings: ReportsThrottlingInput): ReportsThrottling {
    this.settings = parseThrottling(this.schema, settings);
    this.windows.clear();
    return { ...this.settings };
  }

  current(): ReportsThrottling {
    return { ...this.settings };
  }

  /** Forgets the requests counted so far (settings stay). */
  forget(): void {
    this.windows.clear();
  }

  /** Counts a request for `key`, or answers how many seconds to wait (Retry-After) when over the limit. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (!this.settings.enabled) return { ok: true };
    const since = now - this.settings.windowMs;
    const times = (this.windows.get(key) ?? []).filter((time) => time > since);
    if (times.length >= this.settings.requests) {
      this.windows.set(key, times);
      const oldest = times[0] ?? now;
      return { ok: false, retryAfterSeconds: retryAfterSeconds(oldest + this.settings.windowMs - now) };
    }
    times.push(now);
    this.windows.set(key, times);
    return { ok: true };
  }
}
