import type { Client } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';

import { type BatchStep, type BatchStepResult, MAX_BATCH_STEPS, sendBatch, stepError } from './batch';
import { getPage, PageSchema } from './role-lookups';

/**
 * Whole-list reads as JSON batch steps: the steps go out 20 a batch, the batches side by side
 * (throttled steps re-sent by sendBatch), and each list's later pages are fetched from its
 * `@odata.nextLink`, only on the configured Graph origin. Anything unusable throws.
 */

export interface ListReader {
  graph: Client;
  /** The only origin an `@odata.nextLink` may point to. */
  graphOrigin: string;
  clientRequestId: string;
}

/** More pages than this (999 items each) is not a list a scan can finish reading. */
const MAX_PAGES = 200;
/** How long throttled steps are re-sent after Graph's Retry-After. */
const THROTTLE_BUDGET_MS = 20_000;

export async function runSteps(
  reader: ListReader,
  steps: BatchStep[],
): Promise<Map<string, BatchStepResult>> {
  const chunks: BatchStep[][] = [];
  for (let i = 0; i < steps.length; i += MAX_BATCH_STEPS) chunks.push(steps.slice(i, i + MAX_BATCH_STEPS));
  const options = { clientRequestId: reader.clientRequestId, deadline: Date.now() + THROTTLE_BUDGET_MS };
  const answers = await Promise.all(
    chunks.map(async (chunk) => await sendBatch(reader.graph, chunk, options)),
  );
  return new Map(answers.flatMap((answer) => [...answer]));
}

/**
 * Every item of a list step, each parsed with `schema`. `pim`: the step is a PIM list, which a
 * tenant without P2 answers 400 AadPremiumLicenseRequired; PIM doesn't exist there, so the list
 * is empty (pim-and-registration-reports.md §1.8), as the guard reads it.
 */
export async function listItems<T>(
  reader: ListReader,
  result: BatchStepResult | undefined,
  schema: z.ZodType<T>,
  options: { what: string; pim: boolean },
): Promise<T[]> {
  const { what } = options;
  if (result === undefined) throw new Error(`${what} got no answer.`);
  if (options.pim && result.status === 400 && stepError(result).code === 'AadPremiumLicenseRequired')
    return [];
  if (result.status < 200 || result.status >= 300) throw new Error(`${what} answered ${result.status}.`);
  const items: T[] = [];
  let body = result.body;
  for (let pages = 1; ; pages += 1) {
    const page = PageSchema.parse(body);
    items.push(...page.value.map((item) => schema.parse(item)));
    const next = page['@odata.nextLink'];
    if (!next) return items;
    const url = new URL(next);
    // A link elsewhere would send the token there (security.md T10).
    if (url.origin !== reader.graphOrigin || url.username !== '' || url.password !== '')
      throw new Error(`${what} gave a next-page link outside the configured Graph origin.`);
    if (pages >= MAX_PAGES) throw new Error(`${what} has more than ${MAX_PAGES} pages.`);
    body = (await getPage(reader.graph, url.href, reader.clientRequestId)).value;
  }
}
