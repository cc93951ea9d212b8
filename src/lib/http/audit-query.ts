import { z } from 'zod';

import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../storage/audit-entity';

/** GET /audit query string: every parameter optional, unknown ones refused. */
export const AuditQuerySchema = z.strictObject({
  userId: z
    .guid({ error: 'must be an object id (GUID)' })
    .transform((id) => id.toLowerCase())
    .optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  since: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value))
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
  continuationToken: z.string().max(4096).optional(),
});
