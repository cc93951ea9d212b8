import type { HttpHandler, HttpRequest } from '@azure/functions';
import type { z } from 'zod';

import { requireCaller } from '../auth/authenticate';
import type { Role } from '../auth/roles';
import { jsonResponse, withProblemJson } from '../http/handler';
import type { AuditAction } from '../storage/audit-log';
import { readActionRequest } from './action-request';
import type { ActionBase } from './action-schemas';
import type { ActionDeps, ActionRequest, ActionResponse } from './run-action';

/**
 * The HTTP side of every mutating route: authenticate the caller and check its role, read and
 * validate `{user}`, the Idempotency-Key and the
 * body, run the action, answer with its status, body and headers (problem+json on failure).
 */
export function actionHandler<Deps extends ActionDeps, Schema extends z.ZodType<ActionBase>>(
  deps: (context: Parameters<HttpHandler>[1]) => Deps,
  options: {
    action: AuditAction;
    /** The app role a caller needs for this route (every one, if several). */
    role: Role | readonly Role[];
    route: string;
    schema: Schema;
    run: (
      deps: Deps,
      action: ActionRequest & { input: z.output<Schema> },
      request: HttpRequest,
    ) => Promise<ActionResponse>;
  },
): HttpHandler {
  return withProblemJson(async (request, context, correlationId) => {
    const caller = await requireCaller(request, options.role);
    const action = await readActionRequest(request, { ...options, correlationId, caller });
    const result = await options.run(deps(context), action, request);
    return jsonResponse(result.status, result.body, result.headers);
  });
}
