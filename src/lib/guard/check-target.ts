import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import type { Config } from '../config';
import { type BatchStep, type BatchStepResult, sendSteps, stepError, stepRetryAfter } from '../graph/batch';
import { toAppError } from '../graph/errors';
import { PageSchema, readAllItems, UnusablePageError } from '../graph/paged-reader';
import {
  DirectoryObjectSchema,
  GroupEligibilityRowSchema,
  ROLE_LOOKUP_URLS,
  RoleRowSchema,
} from '../graph/role-lookups';
import { userPath } from '../graph/user-path';
import { GUID } from '../guid';
import { AppError } from '../http/problem';
import type { UserReference } from '../http/user-reference';
import {
  decide,
  type GroupEligibility,
  groupsToLookUp,
  type GuardConfig,
  type GuardDecision,
  type GuardFacts,
  type GuardTarget,
  isBreakGlass,
  type Membership,
  type PimRows,
  type PrincipalRoles,
  type RoleRow,
} from './decision';

export interface GuardDeps {
  graph: Client;
  guard: GuardConfig;
  /** `baseUrl`: the only origin an `@odata.nextLink` may point to; the retry settings bound throttled steps. */
  graphConfig: Pick<Config['graph'], 'baseUrl' | 'maxRetries' | 'maxRetryWaitSeconds'>;
}

/**
 * Resolves the target and decides whether the service may act on it (docs/threat-model.md,
 * "Protected and break-glass targets"). The reads go out as JSON batches (docs/graph-calls.md):
 * - object id given: one batch with the user, its memberships and its four PIM/role look-ups; a
 *   second only for the groups that may give it a role (role-assignable groups it is in, groups it
 *   is PIM-eligible for);
 * - UPN given: the role filters need the object id, so the first batch holds the user and its
 *   memberships (which take the UPN), the second the user's look-ups with those of its
 *   role-assignable groups, a third only for groups it is PIM-eligible for.
 * A break-glass target is refused once resolved, by object id. Anything else Graph can't answer
 * (throttling past the budget, 5xx, a missing permission, an identity failure, limited objects, a
 * foreign nextLink) throws `guard_unavailable`: never "allowed" without a complete answer.
 * `AadPremiumLicenseRequired` from a PIM list means the tenant has no PIM, so nothing is eligible.
 */
export async function checkTarget(
  deps: GuardDeps,
  user: UserReference,
  clientRequestId: string,
): Promise<GuardDecision> {
  const session = new GuardSession(deps, clientRequestId);
  const path = userPath(user);
  const byId = user.kind === 'id';
  const first = await session.run([
    { id: 'user', method: 'GET', url: `${path}?$select=id,userPrincipalName,displayName,userType` },
    { id: 'memberOf', method: 'GET', url: ROLE_LOOKUP_URLS.memberships(path) },
    ...(byId ? principalSteps('u', user.id, true) : []),
  ]);
  const resolved = session.target(first.get('user'), user);
  if (isBreakGlass(resolved.id, deps.guard)) {
    // No further look-ups: whatever else Graph said, this account is never acted on.
    return decide({ ...resolved, groupIds: new Set() }, undefined, deps.guard, session.requestIds);
  }
  const memberships = await session.memberships(first.get('memberOf'));
  const target: GuardTarget = {
    ...resolved,
    groupIds: new Set(memberships.filter((m) => m.kind === 'group').map((m) => m.id.toLowerCase())),
    administrativeUnitIds: session.administrativeUnitIds,
  };

  const roles = new Map<string, PrincipalRoles>();
  let own = first;
  let roleGroups = groupsToLookUp(memberships, { licensed: false });
  if (!byId) {
    own = await session.run([
      ...principalSteps('u', target.id, true),
      ...roleGroups.flatMap((groupId, i) => principalSteps(`g${i}`, groupId, false)),
    ]);
    roleGroups.forEach((groupId, i) => roles.set(groupId, session.principalRoles(own, `g${i}`)));
  }
  roles.set(target.id, session.principalRoles(own, 'u'));
  const groupEligibilities = session.groupEligibilities(own.get('u-pg'));

  roleGroups = groupsToLookUp(memberships, groupEligibilities).filter((groupId) => !roles.has(groupId));
  if (roleGroups.length > 0) {
    const more = await session.run(
      roleGroups.flatMap((groupId, i) => principalSteps(`g${i}`, groupId, false)),
    );
    roleGroups.forEach((groupId, i) => roles.set(groupId, session.principalRoles(more, `g${i}`)));
  }
  const facts: GuardFacts = { targetId: target.id, memberships, roles, groupEligibilities };
  return decide(target, facts, deps.guard, session.requestIds);
}

/** The role look-ups for one principal: eligibilities, active instances, assignments (+ PIM for Groups for the user). */
function principalSteps(prefix: string, principalId: string, withGroupEligibilities: boolean): BatchStep[] {
  const steps: BatchStep[] = [
    { id: `${prefix}-el`, method: 'GET', url: ROLE_LOOKUP_URLS.eligibilities(principalId) },
    { id: `${prefix}-ac`, method: 'GET', url: ROLE_LOOKUP_URLS.activeInstances(principalId) },
    { id: `${prefix}-ra`, method: 'GET', url: ROLE_LOOKUP_URLS.assignments(principalId) },
  ];
  if (withGroupEligibilities) {
    steps.push({ id: `${prefix}-pg`, method: 'GET', url: ROLE_LOOKUP_URLS.groupEligibilities(principalId) });
  }
  return steps;
}

/** More pages than this is not a membership list the guard can trust to be complete in time. */
const MAX_PAGES = 50;

const STEP_NAMES: Record<string, string> = {
  user: 'the user look-up',
  memberOf: 'the membership look-up',
  el: 'a role eligibility look-up',
  ac: 'an active role look-up',
  ra: 'a role assignment look-up',
  pg: 'the PIM for Groups look-up',
};
const describe = (stepId: string) =>
  STEP_NAMES[stepId] ?? STEP_NAMES[stepId.split('-').pop() ?? ''] ?? stepId;

const UserSchema = z.looseObject({
  id: z.string().regex(GUID),
  userPrincipalName: z.string(),
  displayName: z.string().nullable().optional(),
  userType: z.string().nullable().optional(),
});

/** The PIM service puts its own error JSON, as a string, in `message` under `UnknownError` (observed). */
function graphCodeOf(result: BatchStepResult): string | undefined {
  const { code, message } = stepError(result);
  if (code === 'UnknownError' && message !== undefined) {
    try {
      const inner = JSON.parse(message) as { errorCode?: unknown };
      if (typeof inner.errorCode === 'string') return inner.errorCode;
    } catch {
      // not JSON: keep the outer code
    }
  }
  return code;
}

/** One check's round trips and the request-ids for the audit entry. */
class GuardSession {
  readonly requestIds: string[] = [];
  /** Administrative units seen in the membership list: they protect nobody, but scope callers. */
  readonly administrativeUnitIds = new Set<string>();

  constructor(
    private readonly deps: GuardDeps,
    private readonly clientRequestId: string,
  ) {}

  /** Sends the steps as JSON batches; throttled ones are re-sent within the Graph retry settings and the action's deadline. */
  async run(steps: BatchStep[]): Promise<Map<string, BatchStepResult>> {
    const { maxRetries, maxRetryWaitSeconds } = this.deps.graphConfig;
    return await this.failClosed(
      async () =>
        await sendSteps(this.deps.graph, steps, {
          clientRequestId: this.clientRequestId,
          requestIds: this.requestIds,
          retry: { maxRetries, maxWaitSeconds: maxRetryWaitSeconds },
        }),
    );
  }

  /** The resolved user; Graph's 404 is `user_not_found`, anything else unresolvable fails closed. */
  target(result: BatchStepResult | undefined, user: UserReference): Omit<GuardTarget, 'groupIds'> {
    if (result?.status === 404) {
      const { requestId, code } = stepError(result);
      throw new AppError(
        'user_not_found',
        `No user ${user.kind === 'id' ? user.id : user.upn} in the tenant.`,
        {
          ...(requestId ? { graphRequestId: requestId } : {}),
          ...(code ? { graphCode: code } : {}),
        },
      );
    }
    const parsed = UserSchema.safeParse(this.body(result, 'user'));
    if (!parsed.success) throw this.unavailable('The user look-up gave no usable user.');
    const { id, userPrincipalName, displayName, userType } = parsed.data;
    return {
      id: id.toLowerCase(),
      userPrincipalName,
      ...(typeof displayName === 'string' ? { displayName } : {}),
      ...(typeof userType === 'string' ? { userType } : {}),
    };
  }

  /** Every page of transitiveMemberOf, each object classified; limited objects fail closed. */
  async memberships(result: BatchStepResult | undefined): Promise<Membership[]> {
    const items = await this.allPages(this.body(result, 'memberOf'), 'the membership look-up');
    return items.flatMap((item): Membership[] => {
      const parsed = DirectoryObjectSchema.safeParse(item);
      if (!parsed.success)
        throw this.unavailable('The membership look-up gave an object without a type or id.');
      const object = parsed.data;
      const type = object['@odata.type'].toLowerCase();
      if (type === '#microsoft.graph.group') {
        // Full group objects always have a displayName; an app that may not read groups gets
        // "limited information" (every property null), which can't tell a role-assignable group.
        if (typeof object.displayName !== 'string') {
          throw this.unavailable(
            'Group memberships came back without their properties (the identity needs GroupMember.Read.All).',
          );
        }
        return [
          {
            kind: 'group',
            id: object.id.toLowerCase(),
            isAssignableToRole: object.isAssignableToRole === true,
          },
        ];
      }
      if (type === '#microsoft.graph.directoryrole') {
        if (typeof object.roleTemplateId !== 'string') {
          throw this.unavailable(
            'Directory roles came back without their template ids (the identity needs RoleManagement.Read.Directory).',
          );
        }
        return [
          {
            kind: 'directoryRole',
            id: object.id.toLowerCase(),
            roleTemplateId: object.roleTemplateId.toLowerCase(),
          },
        ];
      }
      if (type === '#microsoft.graph.administrativeunit')
        this.administrativeUnitIds.add(object.id.toLowerCase());
      // Administrative units and other types give no role or group protection by themselves.
      return [];
    });
  }

  principalRoles(results: Map<string, BatchStepResult>, prefix: string): PrincipalRoles {
    return {
      eligible: this.pimRows(results.get(`${prefix}-el`), `${prefix}-el`, RoleRowSchema),
      activeInstances: this.pimRows(results.get(`${prefix}-ac`), `${prefix}-ac`, RoleRowSchema),
      assignments: this.rows(
        this.body(results.get(`${prefix}-ra`), `${prefix}-ra`),
        `${prefix}-ra`,
        RoleRowSchema,
      ),
    };
  }

  groupEligibilities(result: BatchStepResult | undefined): PimRows<GroupEligibility> {
    return this.pimRows(result, 'u-pg', GroupEligibilityRowSchema);
  }

  private pimRows<T extends RoleRow | GroupEligibility>(
    result: BatchStepResult | undefined,
    stepId: string,
    schema: z.ZodType<T>,
  ): PimRows<T> {
    // Tenant without P2 / ID Governance: PIM doesn't exist there, so nothing is eligible.
    if (result?.status === 400 && stepError(result).code === 'AadPremiumLicenseRequired')
      return { licensed: false };
    return { licensed: true, rows: this.rows(this.body(result, stepId), stepId, schema) };
  }

  /** A list step's rows. These lists come in one page; any nextLink is refused rather than read half. */
  private rows<T>(body: unknown, stepId: string, schema: z.ZodType<T>): T[] {
    const page = PageSchema.safeParse(body);
    if (!page.success || page.data['@odata.nextLink']) {
      throw this.unavailable(`${describe(stepId)} gave an unexpected answer.`);
    }
    return page.data.value.map((item) => {
      const row = schema.safeParse(item);
      if (!row.success) throw this.unavailable(`${describe(stepId)} gave an unreadable row.`);
      return row.data;
    });
  }

  /** The step's body when it succeeded; otherwise `guard_unavailable` with Graph's ids and code. */
  private body(result: BatchStepResult | undefined, stepId: string): unknown {
    if (result === undefined) throw this.unavailable(`${describe(stepId)} got no answer.`);
    if (result.status >= 200 && result.status < 300) return result.body;
    const { requestId } = stepError(result);
    const code = graphCodeOf(result);
    const retryAfter = stepRetryAfter(result);
    throw new AppError(
      'guard_unavailable',
      `The protected-account check could not be completed: ${describe(stepId)} answered ${result.status}${code ? ` ${code}` : ''}.`,
      {
        ...(requestId ? { graphRequestId: requestId } : {}),
        ...(code ? { graphCode: code } : {}),
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      },
    );
  }

  /** Every page, later ones read only from the configured Graph origin. */
  private async allPages(firstBody: unknown, what: string): Promise<unknown[]> {
    const reader = {
      graph: this.deps.graph,
      graphOrigin: new URL(this.deps.graphConfig.baseUrl).origin,
      clientRequestId: this.clientRequestId,
      requestIds: this.requestIds,
    };
    return await this.failClosed(
      async () => await readAllItems(reader, firstBody, { what, maxPages: MAX_PAGES }),
    );
  }

  /**
   * Any failure of the look-ups is `guard_unavailable`, Graph's request-id and code kept, except
   * the action's deadline passing, which the caller is told as such.
   */
  private async failClosed<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof UnusablePageError) throw this.unavailable(error.message);
      const appError = toAppError(error);
      if (appError.code === 'time_budget_exceeded') throw appError;
      throw new AppError(
        'guard_unavailable',
        `The protected-account check could not be completed: ${appError.detail}`,
        { ...appError.options, cause: appError },
      );
    }
  }

  private unavailable(detail: string): AppError {
    const graphRequestId = this.requestIds.at(-1);
    return new AppError(
      'guard_unavailable',
      `The protected-account check could not be completed: ${detail}`,
      {
        ...(graphRequestId ? { graphRequestId } : {}),
      },
    );
  }
}
