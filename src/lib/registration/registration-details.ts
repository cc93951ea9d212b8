import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { readPages } from '../graph/paged-reader';

/**
 * The registration report's largest page: Microsoft documents no `$top` limit for
 * userRegistrationDetails; 999 is what public clients send (docs/registration.md).
 */
export const REGISTRATION_PAGE_SIZE = 999;

export const REGISTRATION_DETAILS_PATH = `/reports/authenticationMethods/userRegistrationDetails?$top=${REGISTRATION_PAGE_SIZE}`;

/** The fields the classification reads; Graph sends more (docs/registration.md). */
export const RegistrationDetailsSchema = z.looseObject({
  id: z.string().min(1),
  userPrincipalName: z.string(),
  userDisplayName: z.string().nullish(),
  userType: z.string().nullish(),
  isAdmin: z.boolean().nullish(),
  isMfaCapable: z.boolean(),
  methodsRegistered: z.array(z.string()).nullish(),
});

export type RegistrationDetails = z.infer<typeof RegistrationDetailsSchema>;

export interface RegistrationStreamOptions {
  /** The configured Graph origin: a nextLink elsewhere is refused. */
  origin: string;
  /** Epoch ms after which no further page is requested. */
  deadline: number;
  now?: () => number;
  /** Each page's rows, awaited before the next page is requested (one page in memory). */
  onPage: (rows: RegistrationDetails[]) => Promise<void>;
}

export interface RegistrationStreamResult {
  malformed: number;
  /** False when the time budget stopped paging before the last page. */
  complete: boolean;
}

/** Streams the registration report page by page; Graph errors are thrown as the SDK reports them. */
export async function streamRegistrationDetails(
  client: Client,
  options: RegistrationStreamOptions,
): Promise<RegistrationStreamResult> {
  const now = options.now ?? (() => Date.now());
  const first: unknown = await client.api(REGISTRATION_DETAILS_PATH).get();
  const reader = { graph: client, graphOrigin: options.origin, clientRequestId: randomUUID() };
  let malformed = 0;
  for await (const page of readPages(reader, first, { what: 'The registration report' })) {
    const rows: RegistrationDetails[] = [];
    for (const item of page.items) {
      const parsed = RegistrationDetailsSchema.safeParse(item);
      if (parsed.success) rows.push(parsed.data);
      else malformed += 1;
    }
    await options.onPage(rows);
    if (page.hasNext && now() >= options.deadline) return { malformed, complete: false };
  }
  return { malformed, complete: true };
}
