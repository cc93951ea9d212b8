import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { createObject, readObject } from './graph-object';

export interface TapPolicy {
  state: 'enabled' | 'disabled';
  defaultLifetimeInMinutes: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  /** true: every pass in the tenant is one-time. */
  isUsableOnce: boolean;
  includeTargets: { id: string; targetType: string }[];
  excludeTargets: { id: string; targetType: string }[];
}

/** The created pass as Graph answers it (temporaryAccessPassAuthenticationMethod). */
const CreatedTapSchema = z.looseObject({
  id: z.string().min(1),
  /** The pass itself: returned by Graph on creation only. Never log, store or queue it. */
  temporaryAccessPass: z.string().min(1),
  createdDateTime: z.string(),
  startDateTime: z.string().nullable().optional(),
  lifetimeInMinutes: z.number().int(),
  isUsableOnce: z.boolean(),
  isUsable: z.boolean().nullable().optional(),
  methodUsabilityReason: z.string().nullable().optional(),
});

export type CreatedTap = z.infer<typeof CreatedTapSchema>;

const TargetSchema = z.looseObject({ id: z.string(), targetType: z.string() });

/** The TAP method configuration; anything Graph leaves out takes Graph's documented default. */
const TapPolicySchema = z.looseObject({
  state: z.string().nullable().optional(),
  defaultLifetimeInMinutes: z.number().int().nullable().optional(),
  minimumLifetimeInMinutes: z.number().int().nullable().optional(),
  maximumLifetimeInMinutes: z.number().int().nullable().optional(),
  isUsableOnce: z.boolean().nullable().optional(),
  includeTargets: z.array(TargetSchema).nullable().optional(),
  excludeTargets: z.array(TargetSchema).nullable().optional(),
});

export async function getTapPolicy(graph: Client, clientRequestId: string): Promise<TapPolicy> {
  const policy = await readObject(
    graph,
    {
      path: '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass',
      clientRequestId,
      what: 'TAP policy',
    },
    TapPolicySchema,
  );
  return {
    state: policy.state === 'enabled' ? 'enabled' : 'disabled',
    defaultLifetimeInMinutes: policy.defaultLifetimeInMinutes ?? 60,
    minimumLifetimeInMinutes: policy.minimumLifetimeInMinutes ?? 60,
    maximumLifetimeInMinutes: policy.maximumLifetimeInMinutes ?? 480,
    isUsableOnce: policy.isUsableOnce ?? false,
    includeTargets: (policy.includeTargets ?? []).map(({ id, targetType }) => ({ id, targetType })),
    excludeTargets: (policy.excludeTargets ?? []).map(({ id, targetType }) => ({ id, targetType })),
  };
}

/** Creates a TAP; Graph replaces a pass the user already has. */
export async function createTap(
  graph: Client,
  userPath: string,
  request: { lifetimeInMinutes: number; isUsableOnce: boolean; startDateTime?: string },
  clientRequestId: string,
): Promise<CreatedTap> {
  return await createObject(
    graph,
    {
      path: `${userPath}/authentication/temporaryAccessPassMethods`,
      body: request,
      clientRequestId,
      what: 'pass',
    },
    CreatedTapSchema,
  );
}
