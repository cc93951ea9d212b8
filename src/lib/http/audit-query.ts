import { z } from 'zod';

import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../storage/audit-entity';
import { PageQueryFields } from './page-query';

/** GET /audit query string: every parameter optional, unknown ones refused. */
export const AuditQuerySchema = z.strictObject({
  userId: z
    .guid({ error: 'must be an object id (GUID)' })
    .transform((id) => id.toLowerCase())
    .optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  ...PageQueryFields,
});
