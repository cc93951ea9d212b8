import { deleteMethod } from '../graph/delete-method';
import { isRemovable, methodTypeOf } from '../graph/method-types';
import { type GraphAuthenticationMethod, listAuthenticationMethods } from '../graph/users';
import { AppError } from '../http/problem';
import type { ActionDeps, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';

/** DELETE /users/{user}/methods/{methodId}: the method's type, and so its path, comes from the user's list. */
export async function deleteUserMethod(
  deps: ActionDeps,
  request: ActionRequest & { methodId: string },
): Promise<ActionResponse> {
  return await runAction<GraphAuthenticationMethod[]>(
    deps,
    request,
    async (context, methods) => {
      const method = methods.find(
        (candidate) => candidate.id.toLowerCase() === request.methodId.toLowerCase(),
      );
      if (!method)
        throw new AppError('method_not_found', `The user has no authentication method ${request.methodId}.`);
      const type = methodTypeOf(method['@odata.type']);
      if (!isRemovable(type)) {
        throw new AppError('method_not_removable', `A ${type} method cannot be removed by this service.`);
      }
      await deleteMethod(context.graph, context.userPath, { id: method.id, type }, context.clientRequestId);
      return {
        status: 200,
        body: {
          user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
          removed: { id: method.id, type },
        },
        audit: { outcome: 'succeeded', summary: { methodId: method.id, type } },
      };
    },
    listAuthenticationMethods,
  );
}
