import { type Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { type BatchStep, type BatchStepResult, MAX_BATCH_STEPS } from './batch';

/**
 * The Graph reads behind the protected-account check (shared/graph/pim-and-registration-reports.md
 * §1.9): a user's transitive memberships, and per principal (the user, or a group that may give it
 * a role) its role eligibilities, active role instances, role assignments and PIM for Groups
 * eligibilities, as JSON batch steps; their answers' shapes; and the round trip itself.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `$filter=principalId eq '…'`, encoded (spaces and quotes too, §1.9) from a GUID only. */
function principalFilter(principalId: string): string {
  if (!GUID.test(principalId)) throw new TypeError('a principal filter takes an object id');
  return `$filter=${encodeURIComponent(`principalId eq '${principalId.toLowerCase()}'`).replaceAll("'", '%27')}`;
}

export const ROLE_LOOKUP_URLS = {
  /**
   * No cast, `$filter` or `$count`: those are advanced queries needing `ConsistencyLevel: eventual`
   * (an eventually consistent index); the plain list is not. 999 is the largest page.
   */
  memberships: (userPath: string) => `${userPath}/transitiveMemberOf?$top=999`,
  eligibilities: (principalId: string) =>
    `/roleManagement/directory/roleEligibilityScheduleInstances?${principalFilter(principalId)}`,
  activeInstances: (principalId: string) =>
    `/roleManagement/directory/roleAssignmentScheduleInstances?${principalFilter(principalId)}`,
  assignments: (principalId: string) =>
    `/roleManagement/directory/roleAssignments?${principalFilter(principalId)}`,
  groupEligibilities: (principalId: string) =>
    `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?${principalFilter(principalId)}`,
} as const;

const optionalText = z.string().nullable().optional();

export const RoleRowSchema = z.looseObject({
  principalId: optionalText,
  roleDefinitionId: z.string(),
  directoryScopeId: optionalText,
  startDateTime: optionalText,
  endDateTime: optionalText,
});

export const GroupEligibilityRowSchema = z.looseObject({
  groupId: z.string(),
  principalId: optionalText,
  accessId: z.string(),
  endDateTime: optionalText,
});

/** A transitiveMemberOf item; the properties stay optional so that limited objects can be recognized. */
export const DirectoryObjectSchema = z.looseObject({
  '@odata.type': z.string(),
  id: z.string(),
  displayName: optionalText,
  isAssignableToRole: z.boolean().nullable().optional(),
  roleTemplateId: optionalText,
});

export const PageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().nullable().optional(),
});

const BatchResponseSchema = z.looseObject({
  responses: z.array(
    z.looseObject({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

/** A top-level Graph answer that isn't usable: a non-2xx status, or a body of the wrong shape. */
export class GraphRoundTripError extends Error {
  override readonly name = 'GraphRoundTripError';

  constructor(
    message: string,
    readonly details: { status: number; requestId?: string; code?: string; retryAfter?: string },
  ) {
    super(message);
  }
}

export interface RoundTrip<T> {
  /** Graph's request-id for this top-level request. */
  requestId: string | undefined;
  value: T;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function checked(response: Response, what: string): Promise<RoundTrip<unknown>> {
  const requestId = response.headers.get('request-id') ?? undefined;
  const body = await readJson(response);
  if (!response.ok) {
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    throw new GraphRoundTripError(`${what} answered ${response.status}`, {
      status: response.status,
      ...(requestId ? { requestId } : {}),
      ...(typeof code === 'string' ? { code } : {}),
      ...(response.headers.get('retry-after')
        ? { retryAfter: response.headers.get('retry-after') ?? '' }
        : {}),
    });
  }
  return { requestId, value: body };
}

/**
 * One JSON `$batch` of GET steps, keeping the response's request-id (the project's `sendBatch` in
 * batch.ts reads the parsed body only, so Graph's request-id, which the guard's audit entry carries,
 * would be lost; BatchRequestContent needs fetch `Request` objects with absolute URLs, which it
 * then cuts back to a path that still holds the version). The SDK's retry handler covers the
 * outer request; each step's status is the caller's to check. A response that doesn't answer
 * every step exactly once is refused.
 */
export async function postBatch(
  graph: Client,
  steps: readonly BatchStep[],
  clientRequestId: string,
): Promise<RoundTrip<Map<string, BatchStepResult>>> {
  if (steps.length === 0 || steps.length > MAX_BATCH_STEPS) {
    throw new RangeError(`A Graph batch holds 1 to ${MAX_BATCH_STEPS} steps.`);
  }
  const requests = steps.map((step) => ({
    id: step.id,
    method: step.method,
    url: step.url,
    ...(step.headers ? { headers: step.headers } : {}),
  }));
  const response = (await graph
    .api('/$batch')
    .version('v1.0')
    .header('client-request-id', clientRequestId)
    .responseType(ResponseType.RAW)
    .post({ requests })) as Response;
  const { requestId, value } = await checked(response, 'The JSON batch');
  const parsed = BatchResponseSchema.safeParse(value);
  const results = new Map<string, BatchStepResult>();
  for (const item of parsed.success ? parsed.data.responses : []) {
    if (results.has(item.id)) break;
    results.set(item.id, { id: item.id, status: item.status, headers: item.headers ?? {}, body: item.body });
  }
  if (!parsed.success || results.size !== steps.length || steps.some((step) => !results.has(step.id))) {
    throw new GraphRoundTripError('The JSON batch did not answer every step once', {
      status: response.status,
      ...(requestId ? { requestId } : {}),
    });
  }
  return { requestId, value: results };
}

/** One GET of an absolute URL Graph gave (`@odata.nextLink`); the caller has checked its origin. */
export async function getPage(
  graph: Client,
  url: string,
  clientRequestId: string,
): Promise<RoundTrip<unknown>> {
  const response = (await graph
    .api(url)
    .header('client-request-id', clientRequestId)
    .responseType(ResponseType.RAW)
    .get()) as Response;
  return await checked(response, 'A page of results');
}
