import { z } from 'zod';

import { AT_RISK_CLASSES } from '../registration/classify';
import { PageQueryFields } from './page-query';

/** GET /reports/registration/users query string: one at-risk class, paged. */
export const RegistrationUsersQuerySchema = z.strictObject({
  class: z.enum(AT_RISK_CLASSES),
  limit: PageQueryFields.limit,
  continuationToken: PageQueryFields.continuationToken,
});

/** The longest period one lockout report covers: a quarter, so one request reads a bounded audit range. */
export const LOCKOUT_REPORT_MAX_DAYS = 92;
/** The period when `from` is absent: the four weeks before `to`. */
export const LOCKOUT_REPORT_DEFAULT_DAYS = 28;

const DAY_MS = 86_400_000;
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/**
 * GET /reports/lockouts query string: `[from, to)`, both optional (`to` defaults to now, `from`
 * to 28 days before `to`); `from` must be before `to` and the period at most 92 days.
 */
export const LockoutReportQuerySchema = z
  .strictObject({ from: instant.optional(), to: instant.optional() })
  .transform(({ from, to }, context) => {
    const end = to ?? new Date();
    const start = from ?? new Date(end.getTime() - LOCKOUT_REPORT_DEFAULT_DAYS * DAY_MS);
    if (start.getTime() >= end.getTime())
      context.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    else if (end.getTime() - start.getTime() > LOCKOUT_REPORT_MAX_DAYS * DAY_MS)
      context.addIssue({
        code: 'custom',
        path: ['from'],
        message: `the period must be at most ${LOCKOUT_REPORT_MAX_DAYS} days`,
      });
    return { from: start, to: end };
  });
