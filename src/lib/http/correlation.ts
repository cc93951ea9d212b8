import { randomUUID } from 'node:crypto';

import { GUID } from '../guid';

export const CORRELATION_HEADER = 'x-correlation-id';

export const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when it is safe to echo into headers and logs; a new one otherwise. */
export function correlationIdFrom(headerValue: string | null): string {
  return headerValue && SAFE_CORRELATION_ID.test(headerValue) ? headerValue : randomUUID();
}

/** Graph only takes a GUID as client-request-id; reuse the correlation id when it is one so logs join up. */
export function graphClientRequestId(correlationId: string): string {
  return GUID.test(correlationId) ? correlationId : randomUUID();
}
