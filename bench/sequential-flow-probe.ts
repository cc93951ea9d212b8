// Forked by graph-latency.ts with the stack's app settings (and NODE_EXTRA_CA_CERTS, read only at
// process start): the sequential flow of Microsoft's documented PowerShell steps, sent with the
// app's own Graph client and credential chain, one request after the other.
import { randomUUID } from 'node:crypto';

import { deleteMethod } from '../src/lib/graph/delete-method';
import { isRemovable, methodTypeOf, type RemovableMethodType } from '../src/lib/graph/method-types';
import { revokeSignInSessions } from '../src/lib/graph/sessions';
import { createTap } from '../src/lib/graph/tap';
import { userPath } from '../src/lib/graph/user-path';
import { type GraphAuthenticationMethod, listAuthenticationMethods } from '../src/lib/graph/users';
import { getServices } from '../src/lib/services';

export type FlowRequest =
  | {
      flow: 'reset';
      userId: string;
      /** Methods that provide the default: deleted last. */ defaultIds: string[];
    }
  | { flow: 'tap'; userId: string };

export type FlowReply = { ok: true } | { ok: false; error: string };

type RemovableMethod = { id: string; type: RemovableMethodType };

/**
 * Graph refuses to delete the default method while others remain, and a mobile phone while an
 * alternate mobile exists: an admin who knows that deletes the others first, so no request fails.
 */
function deleteOrder(methods: readonly GraphAuthenticationMethod[], defaultIds: readonly string[]) {
  const rank = (method: GraphAuthenticationMethod) =>
    defaultIds.includes(method.id) ? 2 : method.phoneType === 'mobile' ? 1 : 0;
  return methods
    .map((method) => ({ method, type: methodTypeOf(method['@odata.type']) }))
    .filter((entry): entry is { method: GraphAuthenticationMethod; type: RemovableMethodType } =>
      isRemovable(entry.type),
    )
    .sort((a, b) => rank(a.method) - rank(b.method))
    .map(({ method, type }): RemovableMethod => ({ id: method.id, type }));
}

/**
 * Get-MgUserAuthenticationMethod; Remove-MgUserAuthentication{Type}Method for each method;
 * Revoke-MgUserSignInSession; Get-MgUserAuthenticationMethod again to see what is left
 * (learn.microsoft.com/entra/identity/authentication/howto-mfa-userdevicesettings and the
 * Microsoft.Graph.Identity.SignIns cmdlet pages).
 */
async function resetOneByOne(userId: string, defaultIds: readonly string[]): Promise<void> {
  const { graph } = getServices();
  const user = { kind: 'id', id: userId } as const;
  const path = userPath(user);
  const clientRequestId = randomUUID();
  const methods = await listAuthenticationMethods(graph, user, clientRequestId);
  for (const method of deleteOrder(methods, defaultIds)) {
    // A cmdlet's error does not stop the script (PowerShell's default ErrorAction is Continue); the
    // bench compares what each flow leaves behind.
    await deleteMethod(graph, path, method, clientRequestId).catch(() => undefined);
  }
  await revokeSignInSessions(graph, path, clientRequestId);
  await listAuthenticationMethods(graph, user, clientRequestId);
}

/**
 * New-MgUserAuthenticationTemporaryAccessPassMethod, a one-time pass (learn.microsoft.com/powershell/
 * module/microsoft.graph.identity.signins/new-mguserauthenticationtemporaryaccesspassmethod).
 */
async function createTapDirectly(userId: string): Promise<void> {
  const { graph } = getServices();
  const path = userPath({ kind: 'id', id: userId });
  await createTap(graph, path, { lifetimeInMinutes: 60, isUsableOnce: true }, randomUUID());
}

async function run(request: FlowRequest): Promise<FlowReply> {
  try {
    if (request.flow === 'reset') await resetOneByOne(request.userId, request.defaultIds);
    else await createTapDirectly(request.userId);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

process.on('message', (request: FlowRequest) => {
  void run(request).then((reply) => process.send?.(reply));
});
