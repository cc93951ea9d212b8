import { z } from 'zod';

import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../storage/audit-entity';
import { PageQueryFields } from './page-query';
import { UserReferenceSchema } from './user-reference';

/** GET /audit query string: every parameter optional, unknown ones refused; `userId` is a GUID or a UPN. */
export const AuditQuerySchema = z.strictObject({
  userId: UserReferenceSchema.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  ...PageQueryFields,
});
