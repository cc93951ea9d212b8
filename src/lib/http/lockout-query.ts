import { z } from 'zod';

import { LOCKOUT_CATEGORIES, LOCKOUT_STATUSES } from '../detection/lockout-flag';

/** GET /lockouts query string: every parameter optional, unknown ones refused. */
export const LockoutQuerySchema = z.strictObject({
  status: z.enum(LOCKOUT_STATUSES).optional(),
  category: z.enum(LOCKOUT_CATEGORIES).optional(),
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
  continuationToken: z.string().max(1024).optional(),
});

/** PATCH /lockouts/{user} body. */
export const LockoutUpdateSchema = z.strictObject({
  status: z.enum(['acknowledged', 'resolved']),
  ticket: z.string().trim().min(1).max(128),
});
