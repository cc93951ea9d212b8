import type { z } from 'zod';

import { asPhoneMethod, createPhoneMethod, enableSmsSignIn, type PhoneMethod } from '../graph/phone';
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

interface SmsSignIn {
  requested: boolean;
  enabled: boolean;
  state: string;
  code?: string;
  graphRequestId?: string;
}

/**
 * Microsoft's SMS and voice delivery ends on the retirement date (docs/registration.md): from then
 * on a phone only works for sign-in if the tenant brings its own telephony provider.
 */
function telephonyWarnings(deps: ActionDeps & { now?: () => Date }): { code: string; message: string }[] {
  const now = deps.now?.() ?? new Date();
  const { telephonyProvider, telephonyRetirement } = deps.config.registration;
  if (telephonyProvider !== 'microsoft' || now < telephonyRetirement) return [];
  return [
    {
      code: 'telephony_retired',
      message:
        `Microsoft-provided SMS and voice delivery ended on ${telephonyRetirement.toISOString().slice(0, 10)}: ` +
        'this phone cannot be used to sign in ' +
        'unless the tenant uses its own telephony provider. Register a passkey or Microsoft Authenticator instead.',
    },
  ];
}

/** Graph answers a number as `+1 4255550100`; the digits (and extension) say whether it is the same phone. */
const digitsOf = (phoneNumber: string) => phoneNumber.replace(/[^0-9x]/gi, '').toLowerCase();

/**
 * POST /users/{user}/methods/phone. The phone is added first; SMS sign-in, when asked for, is a
 * separate step whose failure leaves the phone in place and makes the answer `partial`, with the
 * method id. A retry finds that phone (same type, same number) and finishes the job on it instead
 * of answering `method_exists`; a phone of that type with another number is `method_exists`.
 */
export async function addBackupPhone(
  deps: ActionDeps & { now?: () => Date },
  request: ActionRequest & { input: AddPhoneInput },
): Promise<ActionResponse> {
  const phoneNumber = graphPhoneNumberOrThrow(request.input.phoneNumber);
  return await runAction<GraphAuthenticationMethod[]>(
    deps,
    request,
    async (context, methods) => {
      const existing = methods
        .filter((method) => method['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod')
        .map(asPhoneMethod)
        .find((method) => method?.phoneType === request.input.phoneType);
      if (existing && digitsOf(existing.phoneNumber) !== digitsOf(phoneNumber)) {
        throw new AppError(
          'method_exists',
          `The user already has a ${request.input.phoneType} phone; delete it first to replace it.`,
        );
      }
      const phone =
        existing ??
        (await createPhoneMethod(
          context.graph,
          context.userPath,
          { phoneNumber, phoneType: request.input.phoneType },
          context.clientRequestId,
        ));
      let smsSignIn: SmsSignIn = {
        requested: request.input.smsSignIn,
        enabled: phone.smsSignInState === 'ready',
        state: phone.smsSignInState ?? 'unknown',
      };
      if (request.input.smsSignIn && phone.smsSignInState !== 'ready') {
        smsSignIn = await enableSms(context, phone, smsSignIn);
      }
      const partial = smsSignIn.requested && !smsSignIn.enabled;
      const warnings = telephonyWarnings(deps);
      return {
        status: existing ? 200 : 201,
        body: {
          user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
          outcome: partial ? 'partial' : 'complete',
          method: {
            id: phone.id,
            phoneType: phone.phoneType,
            phoneNumber: maskPhoneNumber(phone.phoneNumber),
            created: !existing,
          },
          smsSignIn,
          ...(warnings.length > 0 ? { warnings } : {}),
        },
        audit: {
          outcome: partial ? 'partial' : 'succeeded',
          ...(smsSignIn.graphRequestId ? { graphRequestIds: [smsSignIn.graphRequestId] } : {}),
          summary: { methodId: phone.id, phoneType: phone.phoneType, created: !existing, smsSignIn },
        },
      };
    },
    listAuthenticationMethods,
  );
}

/** Any refusal or failure of enableSmsSignIn is reported with the phone, never thrown past it. */
async function enableSms(context: ActionContext, phone: PhoneMethod, current: SmsSignIn): Promise<SmsSignIn> {
  try {
    await enableSmsSignIn(context.graph, context.userPath, phone.id, context.clientRequestId);
    return { ...current, enabled: true, state: 'ready' };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      ...current,
      enabled: false,
      code: error.options.graphCode ?? error.code,
      ...(error.options.graphRequestId ? { graphRequestId: error.options.graphRequestId } : {}),
    };
  }
}
