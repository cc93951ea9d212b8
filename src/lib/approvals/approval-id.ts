import { z } from 'zod';

import { GUID } from '../guid';

/** An approval id as routes and the `Approval-Id` header carry it: a GUID, compared lower-cased. */
export const ApprovalIdSchema = z
  .string()
  .regex(GUID, 'must be an approval id (GUID) from a 202 answer')
  .transform((id) => id.toLowerCase());
