import { createHash } from 'node:crypto';

import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';

import { ApprovalIdSchema } from '../approvals/approval-id';
import type { Caller } from '../auth/caller';
import { parseJsonBody } from '../http/json-body';
import { parseInput } from '../http/parse';
import { AppError } from '../http/problem';
import { UserReferenceSchema } from '../http/user-reference';
import type { AuditAction } from '../storage/audit-log';
import type { ActionBase } from './action-schemas';
import type { ActionRequest } from './run-action';

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,128}$/;

/** JSON with sorted keys, so the same request always has the same fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Reads what every mutating route receives: `{user}`, the Idempotency-Key header and the JSON body,
 * all validated before anything else happens (a refusal here is not stored or audited).
 */
export async function readActionRequest<Schema extends z.ZodType<ActionBase>>(
  request: HttpRequest,
  options: {
    action: AuditAction;
    route: string;
    schema: Schema;
    correlationId: string;
    caller: Caller;
  },
): Promise<ActionRequest & { input: z.output<Schema> }> {
  const user = parseInput(UserReferenceSchema, request.params.user, 'user');
  const key = request.headers.get('idempotency-key');
  if (key === null) {
    throw new AppError(
      'idempotency_key_required',
      'Send an Idempotency-Key header (16–128 characters: letters, digits, - or _), e.g. a UUID.',
    );
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    const message = 'must be 16–128 characters: letters, digits, - or _';
    throw new AppError('invalid_request', `Idempotency-Key ${message}.`, {
      errors: [{ path: 'header.idempotency-key', message }],
    });
  }
  const approvalId = request.headers.get('approval-id');
  const input = await parseJsonBody(request, options.schema);
  const { caller } = options;
  // The user as named (UPN or id) stays out of both: runAction scopes the key by the resolved id.
  const params = Object.fromEntries(Object.entries(request.params).filter(([name]) => name !== 'user'));
  return {
    action: options.action,
    user,
    input,
    caller,
    correlationId: options.correlationId,
    ...(approvalId === null
      ? {}
      : { approvalId: parseInput(ApprovalIdSchema, approvalId, 'header.approval-id') }),
    idempotency: {
      key,
      scope: `${caller.id}|${request.method}|${options.route}`,
      fingerprint: createHash('sha256').update(canonicalJson({ params, input })).digest('hex'),
    },
  };
}
