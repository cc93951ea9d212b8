import { z } from 'zod';

import { AppError } from '../http/problem';
import { AT_RISK_CLASSES, type AtRiskClass } from './classify';

/**
 * The continuation token of GET /reports/registration/users: base64url JSON naming the snapshot
 * (run), the class and Table Storage's own token for the next page. Naming the run keeps paging in
 * one snapshot while newer scans switch; every field is validated before anything is read.
 */
export interface UsersCursor {
  runId: string;
  class: AtRiskClass;
  page: string;
}

const CursorSchema = z.strictObject({
  v: z.literal(1),
  run: z.string().regex(/^[0-9A-Za-z-]{1,64}$/),
  class: z.enum(AT_RISK_CLASSES),
  page: z.string().regex(/^[A-Za-z0-9+/=]{1,1024}$/),
});

export function encodeUsersToken(cursor: UsersCursor): string {
  const json = { v: 1, run: cursor.runId, class: cursor.class, page: cursor.page };
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

export function decodeUsersToken(token: string): UsersCursor {
  const invalid = () =>
    new AppError('invalid_request', 'The continuation token is not valid.', {
      errors: [{ path: 'continuationToken', message: 'is not a token this service issued' }],
    });
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const cursor = CursorSchema.safeParse(json);
  if (!cursor.success) throw invalid();
  return { runId: cursor.data.run, class: cursor.data.class, page: cursor.data.page };
}
