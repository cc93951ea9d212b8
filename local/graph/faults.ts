import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import { z } from 'zod';

import { faultError } from './errors';
import type { HandlerResult } from './messages';

const isRegExpSource = (source: string) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

/** A fault to inject into the next `count` matching Graph requests (top-level or batch steps). */
export const FaultSpecSchema = z
  .strictObject({
    /** HTTP method to match; any when omitted. */
    method: z.string().min(1).optional(),
    /** Regular expression source, matched against the URL path as sent (no query), e.g. `^/v1\.0/users/[^/]+$`. */
    path: z.string().min(1).refine(isRegExpSource, { error: 'path must be a valid regular expression' }),
    count: z.int().min(1).default(1),
    /** Answer with this status and Graph's error body for it instead of handling the request. */
    status: z.int().min(400).max(599).optional(),
    /** Seconds, sent as `Retry-After`. */
    retryAfter: z.number().min(0).optional(),
    /** Added before the request is handled (or failed). */
    latencyMs: z.int().min(0).max(120_000).optional(),
    /** Replaces the default error body. */
    body: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((spec) => spec.status !== undefined || spec.latencyMs !== undefined, {
    error: 'a fault needs a status, a latencyMs, or both',
  })
  .refine((spec) => spec.status !== undefined || (spec.body === undefined && spec.retryAfter === undefined), {
    error: 'body and retryAfter need a status',
  });

export type FaultSpec = z.input<typeof FaultSpecSchema>;

/** Validates a fault spec from anywhere (the control API's JSON too), with one readable message. */
export function parseFaultSpec(value: unknown): z.infer<typeof FaultSpecSchema> {
  const parsed = FaultSpecSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`Invalid fault: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return parsed.data;
}

export interface FaultRule {
  id: string;
  method?: string;
  path: string;
  remaining: number;
  status?: number;
  retryAfter?: number;
  latencyMs?: number;
  body?: Record<string, unknown>;
}

/** Latency added to every Graph request and batch step (not the batch envelope): Graph's wall time for a benchmark. */
export const LatencySchema = z.strictObject({ latencyMs: z.int().min(0).max(120_000) });

export type Latency = z.infer<typeof LatencySchema>;

export class FaultInjector {
  private rules: { rule: FaultRule; pattern: RegExp }[] = [];
  private everyRequest: Latency = { latencyMs: 0 };

  /** Sets the latency of every request; throws a readable error for a bad value. */
  setLatency(value: unknown): Latency {
    const parsed = LatencySchema.safeParse(value);
    if (!parsed.success) {
      throw new Error(`Invalid latency: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    this.everyRequest = parsed.data;
    return { ...this.everyRequest };
  }

  latency(): Latency {
    return { ...this.everyRequest };
  }

  /** Validates and queues a fault; throws a readable error for a bad spec. */
  add(spec: FaultSpec): FaultRule {
    const { count, ...rest } = parseFaultSpec(spec);
    const rule: FaultRule = { id: randomUUID(), ...rest, remaining: count };
    this.rules.push({ rule, pattern: new RegExp(rule.path) });
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map(({ rule }) => ({ ...rule }));
  }

  /** Drops every queued fault and the latency of every request. */
  clear(): void {
    this.rules = [];
    this.everyRequest = { latencyMs: 0 };
  }

  /** Takes one use of the first rule matching this request, if any. */
  take(method: string, path: string): FaultRule | undefined {
    const index = this.rules.findIndex(
      ({ rule, pattern }) =>
        (rule.method === undefined || rule.method.toUpperCase() === method) && pattern.test(path),
    );
    const entry = this.rules[index];
    if (entry === undefined) return undefined;
    entry.rule.remaining -= 1;
    if (entry.rule.remaining <= 0) this.rules.splice(index, 1);
    return { ...entry.rule };
  }
}

/** Waits the rule's latency, then returns the injected failure, or undefined to handle the request normally. */
export async function applyFault(rule: FaultRule): Promise<HandlerResult | undefined> {
  if (rule.latencyMs !== undefined && rule.latencyMs > 0) await delay(rule.latencyMs);
  if (rule.status === undefined) return undefined;
  const headers: Record<string, string> =
    rule.retryAfter === undefined ? {} : { 'Retry-After': String(rule.retryAfter) };
  if (rule.body !== undefined) return { kind: 'response', status: rule.status, body: rule.body, headers };
  const error = faultError(rule.status);
  return { ...error, headers: { ...error.headers, ...headers } };
}
