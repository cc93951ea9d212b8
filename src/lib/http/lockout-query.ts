import { z } from 'zod';

import { FLAG_CATEGORIES, LOCKOUT_STATUSES } from '../detection/lockout-flag';
import { PageQueryFields } from './page-query';
import { singleLineText } from './plain-text';

/** GET /lockouts query string: every parameter optional, unknown ones refused. */
export const LockoutQuerySchema = z.strictObject({
  status: z.enum(LOCKOUT_STATUSES).optional(),
  category: z.enum(FLAG_CATEGORIES).optional(),
  ...PageQueryFields,
});

/** PATCH /lockouts/{user} body. */
export const LockoutUpdateSchema = z.strictObject({
  status: z.enum(['acknowledged', 'resolved']),
  ticket: singleLineText({ min: 1, max: 128 }),
});
