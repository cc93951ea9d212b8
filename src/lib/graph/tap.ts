import type { Client } from '@microsoft/microsoft-graph-client';

import { toAppError } from './errors';

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

export interface CreatedTap {
  id: string;
  /** The pass itself: returned by Graph on creation only. Never log, store or queue it. */
  temporaryAccessPass: string;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  isUsable: boolean | null;
  methodUsabilityReason: string | null;
}

export async function getTapPolicy(graph: Client, clientRequestId: string): Promise<TapPolicy> {
  try {
    const policy = (await graph
      .api('/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass')
      .header('client-request-id', clientRequestId)
      .get()) as Partial<TapPolicy>;
    return {
      state: policy.state === 'enabled' ? 'enabled' : 'disabled',
      defaultLifetimeInMinutes: policy.defaultLifetimeInMinutes ?? 60,
      minimumLifetimeInMinutes: policy.minimumLifetimeInMinutes ?? 60,
      maximumLifetimeInMinutes: policy.maximumLifetimeInMinutes ?? 480,
      isUsableOnce: policy.isUsableOnce ?? false,
      includeTargets: policy.includeTargets ?? [],
      excludeTargets: policy.excludeTargets ?? [],
    };
  } catch (error) {
    throw toAppError(error);
  }
}

/** Creates a TAP; Graph replaces a pass the user already has. */
export async function createTap(
  graph: Client,
  userPath: string,
  request: { lifetimeInMinutes: number; isUsableOnce: boolean; startDateTime?: string },
  clientRequestId: string,
): Promise<CreatedTap> {
  try {
    return (await graph
      .api(`${userPath}/authentication/temporaryAccessPassMethods`)
      .header('client-request-id', clientRequestId)
      .post(request)) as CreatedTap;
  } catch (error) {
    throw toAppError(error);
  }
}
