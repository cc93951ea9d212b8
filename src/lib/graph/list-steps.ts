import type { z } from 'zod';

import { type BatchStepResult, stepError } from './batch';
import { type PageReader, readAllItems } from './paged-reader';

/** More pages than this (999 items each) is not a list a scan can finish reading. */
const MAX_PAGES = 200;

/**
 * Every item of a list read as a JSON batch step (sendSteps), later pages included, each parsed
 * with `schema`; anything unusable throws. `pim`: the step is a PIM list, which a tenant without
 * P2 answers 400 AadPremiumLicenseRequired; PIM doesn't exist there, so the list is empty, as the
 * guard reads it.
 */
export async function listItems<T>(
  reader: PageReader,
  result: BatchStepResult | undefined,
  schema: z.ZodType<T>,
  options: { what: string; pim: boolean },
): Promise<T[]> {
  const { what } = options;
  if (result === undefined) throw new Error(`${what} got no answer.`);
  if (options.pim && result.status === 400 && stepError(result).code === 'AadPremiumLicenseRequired')
    return [];
  if (result.status < 200 || result.status >= 300) throw new Error(`${what} answered ${result.status}.`);
  const items = await readAllItems(reader, result.body, { what, maxPages: MAX_PAGES });
  return items.map((item) => schema.parse(item));
}
