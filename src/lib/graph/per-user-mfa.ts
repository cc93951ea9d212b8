import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { toAppError } from './errors';
import { readObject } from './graph-object';

export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';

const RequirementsSchema = z.looseObject({ perUserMfaState: z.string().nullable().optional() });

/** Per-user MFA lives only in beta (`authentication/requirements`); MSOnline's Set-MsolUser is retired. */
export async function getPerUserMfaState(
  graph: Client,
  userPath: string,
  clientRequestId: string,
): Promise<PerUserMfaState> {
  const requirements = await readObject(
    graph,
    {
      path: `${userPath}/authentication/requirements`,
      version: 'beta',
      clientRequestId,
      what: 'per-user MFA state',
    },
    RequirementsSchema,
  );
  const state = requirements.perUserMfaState;
  return state === 'enabled' || state === 'enforced' ? state : 'disabled';
}

export async function setPerUserMfaState(
  graph: Client,
  userPath: string,
  perUserMfaState: PerUserMfaState,
  clientRequestId: string,
): Promise<void> {
  try {
    await graph
      .api(`${userPath}/authentication/requirements`)
      .version('beta')
      .header('client-request-id', clientRequestId)
      .patch({ perUserMfaState });
  } catch (error) {
    throw toAppError(error, { write: true });
  }
}
