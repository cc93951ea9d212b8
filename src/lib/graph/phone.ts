import type { Client } from '@microsoft/microsoft-graph-client';

import { toAppError } from './errors';

export type PhoneType = 'mobile' | 'alternateMobile' | 'office';

export interface PhoneMethod {
  id: string;
  phoneNumber: string;
  phoneType: PhoneType;
  smsSignInState: string;
}

export async function createPhoneMethod(
  graph: Client,
  userPath: string,
  phone: { phoneNumber: string; phoneType: PhoneType },
  clientRequestId: string,
): Promise<PhoneMethod> {
  try {
    return (await graph
      .api(`${userPath}/authentication/phoneMethods`)
      .header('client-request-id', clientRequestId)
      .post(phone)) as PhoneMethod;
  } catch (error) {
    throw toAppError(error);
  }
}

/** Only a mobile phone can sign in by SMS; Graph answers 204 on success. */
export async function enableSmsSignIn(
  graph: Client,
  userPath: string,
  methodId: string,
  clientRequestId: string,
): Promise<void> {
  try {
    await graph
      .api(`${userPath}/authentication/phoneMethods/${encodeURIComponent(methodId)}/enableSmsSignIn`)
      .header('client-request-id', clientRequestId)
      .post(undefined);
  } catch (error) {
    throw toAppError(error);
  }
}
