import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { toAppError } from './errors';
import { createObject } from './graph-object';

export type PhoneType = 'mobile' | 'alternateMobile' | 'office';

const PhoneMethodSchema = z.looseObject({
  id: z.string().min(1),
  phoneNumber: z.string(),
  phoneType: z.enum(['mobile', 'alternateMobile', 'office']),
  smsSignInState: z.string().nullable().optional(),
});

export type PhoneMethod = z.infer<typeof PhoneMethodSchema>;

/** A phone method from the methods list, when `method` is one. */
export function asPhoneMethod(method: unknown): PhoneMethod | undefined {
  const parsed = PhoneMethodSchema.safeParse(method);
  return parsed.success ? parsed.data : undefined;
}

export async function createPhoneMethod(
  graph: Client,
  userPath: string,
  phone: { phoneNumber: string; phoneType: PhoneType },
  clientRequestId: string,
): Promise<PhoneMethod> {
  return await createObject(
    graph,
    { path: `${userPath}/authentication/phoneMethods`, body: phone, clientRequestId, what: 'phone' },
    PhoneMethodSchema,
  );
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
    throw toAppError(error, { write: true });
  }
}
