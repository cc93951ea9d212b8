import { z } from 'zod';

/** The query parameters every paged list shares: `since`, `limit` (1–100), `continuationToken`. */
export const PageQueryFields = {
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
};
