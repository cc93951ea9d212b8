import type { z } from 'zod';

import { createPhoneMethod, enableSmsSignIn } from '../graph/phone';
import { type GraphAuthenticationMethod, listAuthenticationMethods } from '../graph/users';
import { AppError } from '../http/problem';
import { maskPhoneNumber } from '../lookup/mask';
import type { AddPhoneSchema } from './action-schemas';
import { toGraphPhoneNumber } from './phone-number';
import type { ActionContext, ActionDeps, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';

export type AddPhoneInput = z.output<typeof AddPhoneSchema>;

/** Checked before the guard runs: a malformed number is the caller's mistake, not an attempt. */
export function graphPhoneNumberOrThrow(phoneNumber: string): string {
  const graphNumber = toGraphPhoneNumber(phoneNumber);
  if (!graphNumber) {
    const message = 'must be a valid E.164 number such as +14255550100 (optionally with x and an extension)';
    throw new AppError('invalid_request', `phoneNumber ${message}.`, {
      errors: [{ path: 'body.phoneNumber', message }],
    });
  }
  return graphNumber;
}

/**
 * POST /users/{user}/methods/phone. The phone is added first; SMS sign-in, when asked for, is a
 * separate step whose refusal (number not unique, policy) leaves the phone in place and is reported.
 */
export async function addBackupPhone(
  deps: ActionDeps,
  request: ActionRequest & { input: AddPhoneInput },
): Promise<ActionResponse> {
  const phoneNumber = graphPhoneNumberOrThrow(request.input.phoneNumber);
  return await runAction<GraphAuthenticationMethod[]>(
    deps,
    request,
    async (context, methods) => {
      const existing = methods.find(
        (method) =>
          method['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod' &&
          method.phoneType === request.input.phoneType,
      );
      if (existing) {
        throw new AppError(
          'method_exists',
          `The user already has a ${request.input.phoneType} phone; delete it first to replace it.`,
        );
      }
      const phone = await createPhoneMethod(
        context.graph,
        context.userPath,
        { phoneNumber, phoneType: request.input.phoneType },
        context.clientRequestId,
      );
      let smsSignIn: { requested: boolean; enabled: boolean; state: string; code?: string } = {
        requested: request.input.smsSignIn,
        enabled: phone.smsSignInState === 'ready',
        state: phone.smsSignInState,
      };
      if (request.input.smsSignIn && phone.smsSignInState !== 'ready') {
        smsSignIn = await enableSms(context, phone.id, smsSignIn);
      }
      return {
        status: 201,
        body: {
          user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
          method: {
            id: phone.id,
            phoneType: phone.phoneType,
            phoneNumber: maskPhoneNumber(phone.phoneNumber),
          },
          smsSignIn,
        },
        audit: {
          outcome: smsSignIn.requested && !smsSignIn.enabled ? 'partial' : 'succeeded',
          summary: { methodId: phone.id, phoneType: phone.phoneType, smsSignIn },
        },
      };
    },
    listAuthenticationMethods,
  );
}

async function enableSms(
  context: ActionContext,
  methodId: string,
  current: { requested: boolean; enabled: boolean; state: string },
): Promise<{ requested: boolean; enabled: boolean; state: string; code?: string }> {
  try {
    await enableSmsSignIn(context.graph, context.userPath, methodId, context.clientRequestId);
    return { ...current, enabled: true, state: 'ready' };
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 503) throw error;
    return {
      ...current,
      enabled: false,
      ...(error.options.graphCode ? { code: error.options.graphCode } : {}),
    };
  }
}
