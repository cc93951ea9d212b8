import type { Client } from '@microsoft/microsoft-graph-client';

import { toAppError } from './errors';

export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';

/** Per-user MFA lives only in beta (`authentication/requirements`); MSOnline's Set-MsolUser is retired. */
export async function getPerUserMfaState(
  graph: Client,
  userPath: string,
  clientRequestId: string,
): Promise<PerUserMfaState> {
  try {
    const requirements = (await graph
      .api(`${userPath}/authentication/requirements`)
      .version('beta')
      .header('client-request-id', clientRequestId)
      .get()) as { perUserMfaState?: string };
    const state = requirements.perUserMfaState;
    return state === 'enabled' || state === 'enforced' ? state : 'disabled';
  } catch (error) {
    throw toAppError(error);
  }
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
