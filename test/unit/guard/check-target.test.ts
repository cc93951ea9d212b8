import { afterEach, describe, expect, it, vi } from 'vitest';

import { DEFAULT_PROTECTED_ROLE_TEMPLATE_IDS, loadConfig } from '../../../src/lib/config';
import { actionDeadline, withDeadline } from '../../../src/lib/deadline';
import { checkTarget, type GuardDecision, type GuardDeps } from '../../../src/lib/guard';
import { AppError } from '../../../src/lib/http/problem';
import { UserReferenceSchema } from '../../../src/lib/http/user-reference';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

// checkTarget's Graph look-ups (docs/graph-calls.md) against a scripted Graph: which batches go
// out, how each answer is read, and that anything unreadable fails closed (guard_unavailable).

afterEach(() => {
  vi.unstubAllGlobals();
});

const USER_ID = '3f2a8c1d-6b4e-4d7a-9c1f-2e8b5a7d9c01';
const UPN = 'adele@contoso.com';
const GROUP_ID = '7c1e5b2a-9d4f-4e8a-b6c3-1f2d3e4a5b60';
const ROLE_GROUP_ID = '8d2f6c3b-0e5a-4f9b-a7d4-2a3b4c5d6e71';
const PIM_GROUP_ID = '9e3a7d4c-1f6b-4a0c-b8e5-3b4c5d6e7f82';
const BREAK_GLASS_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const GLOBAL_ADMIN = DEFAULT_PROTECTED_ROLE_TEMPLATE_IDS[0];
/** A role template the default configuration does not protect (Helpdesk Administrator). */
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const CLIENT_REQUEST_ID = '5b0e6a1c-7f4e-4d4b-9a52-3f1c2d9e8a10';

const SETTINGS = {
  BREAK_GLASS_OBJECT_IDS: BREAK_GLASS_ID,
  PROTECTED_GROUP_IDS: GROUP_ID,
  GRAPH_MAX_RETRIES: '2',
  GRAPH_MAX_RETRY_WAIT_SECONDS: '5',
};

interface Step {
  id: string;
  method: string;
  url: string;
}
type StepAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

const page = (value: unknown[], nextLink?: string) => ({
  value,
  ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
});
const graphError = (code: string, requestId?: string, message = 'refused') => ({
  error: { code, message, ...(requestId ? { innerError: { 'request-id': requestId } } : {}) },
});
const group = (id: string, isAssignableToRole: boolean | null = false) => ({
  '@odata.type': '#microsoft.graph.group',
  id,
  displayName: `Group ${id.slice(0, 4)}`,
  isAssignableToRole,
});
const roleRow = (roleDefinitionId: string, extra: Record<string, unknown> = {}) => ({
  principalId: USER_ID,
  roleDefinitionId,
  directoryScopeId: '/',
  ...extra,
});

/** The tenant as Graph would describe it, per look-up; `override` answers single steps instead. */
interface Tenant {
  user?: unknown;
  /** The memberships as a list (one page), or the first page's whole body. */
  memberOf?: unknown;
  /** By lower-case principal id: the rows of its eligibility (el), active (ac) and assignment (ra) lists. */
  roles?: Record<string, Partial<Record<'el' | 'ac' | 'ra', unknown[]>>>;
  groupEligibilities?: unknown[];
  override?: (step: Step, kind: string, principalId: string | undefined) => StepAnswer | undefined;
  /** Answers a GET of a later page (an `@odata.nextLink`). */
  nextPage?: (request: SentRequest) => Response;
  /** The `request-id` of the n-th top-level request (0-based); `batch-n` unless given. */
  requestId?: (n: number) => string | undefined;
}

const ADELE = { id: USER_ID, userPrincipalName: UPN, displayName: 'Adele Vance', userType: 'Member' };

const kindOf = (step: Step) =>
  step.id === 'user' || step.id === 'memberOf' ? step.id : step.id.split('-')[1];
const principalOf = (step: Step) => /principalId eq '([^']+)'/.exec(decodeURIComponent(step.url))?.[1];

function scriptedGraph(tenant: Tenant, settings: Record<string, string> = {}) {
  const stub = stubGraph(
    (request) => {
      const n = stub.sent.length - 1;
      const requestId = tenant.requestId ? tenant.requestId(n) : `batch-${n}`;
      const idHeader: Record<string, string> = requestId ? { 'request-id': requestId } : {};
      if (request.method === 'GET') {
        const response = tenant.nextPage?.(request) ?? json(404, graphError('Request_ResourceNotFound'));
        for (const [name, value] of Object.entries(idHeader)) response.headers.set(name, value);
        return Promise.resolve(response);
      }
      const steps = (request.body as { requests: Step[] }).requests;
      const responses = steps.map((step) => {
        const kind = kindOf(step) ?? '';
        const principal = principalOf(step);
        const answer = tenant.override?.(step, kind, principal) ?? defaultAnswer(tenant, kind, principal);
        return { id: step.id, status: answer.status, headers: answer.headers ?? {}, body: answer.body };
      });
      return Promise.resolve(json(200, { responses }, idHeader));
    },
    { settings: { ...SETTINGS, ...settings } },
  );
  const config = loadConfig({
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    ...SETTINGS,
    ...settings,
  });
  const deps: GuardDeps = { graph: stub.graph, guard: config.guard, graphConfig: config.graph };
  const batches = () =>
    stub.sent
      .filter((request) => request.method === 'POST')
      .map((request) => (request.body as { requests: Step[] }).requests);
  return { ...stub, deps, batches };
}

function defaultAnswer(tenant: Tenant, kind: string, principal: string | undefined): StepAnswer {
  if (kind === 'user') return { status: 200, body: tenant.user ?? ADELE };
  if (kind === 'memberOf') {
    const memberOf = tenant.memberOf ?? [];
    return { status: 200, body: Array.isArray(memberOf) ? page(memberOf) : memberOf };
  }
  if (kind === 'pg') return { status: 200, body: page(tenant.groupEligibilities ?? []) };
  const rows = tenant.roles?.[principal ?? '']?.[kind as 'el' | 'ac' | 'ra'] ?? [];
  return { status: 200, body: page(rows) };
}

async function check(tenant: Tenant, user: string = USER_ID, settings: Record<string, string> = {}) {
  const graph = scriptedGraph(tenant, settings);
  const decision = await checkTarget(graph.deps, UserReferenceSchema.parse(user), CLIENT_REQUEST_ID);
  return { decision, ...graph };
}

async function checkError(tenant: Tenant, user: string = USER_ID, settings: Record<string, string> = {}) {
  const graph = scriptedGraph(tenant, settings);
  const error: unknown = await checkTarget(
    graph.deps,
    UserReferenceSchema.parse(user),
    CLIENT_REQUEST_ID,
  ).then(
    (decision) => new Error(`expected an error, got ${JSON.stringify(decision)}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return { error: error as AppError, ...graph };
}

const refused = (decision: GuardDecision) => {
  if (decision.allowed) throw new Error('expected a refusal');
  return decision;
};
const stepIds = (steps: Step[] | undefined) => steps?.map((step) => step.id);
const PREFIX = 'The protected-account check could not be completed: ';

describe('checkTarget by object id', () => {
  it('reads the user, its memberships and its four role look-ups in one batch', async () => {
    const { decision, batches, sent } = await check({}, USER_ID.toUpperCase());
    expect(decision).toEqual({
      allowed: true,
      target: { ...ADELE, groupIds: new Set(), administrativeUnitIds: new Set() },
      graphRequestIds: ['batch-0'],
    });
    expect(batches()).toHaveLength(1);
    const [first] = batches();
    expect(stepIds(first)).toEqual(['user', 'memberOf', 'u-el', 'u-ac', 'u-ra', 'u-pg']);
    expect(first?.map((step) => step.method)).toEqual(Array(6).fill('GET'));
    expect(first?.[0]).toMatchObject({
      method: 'GET',
      url: `/users/${USER_ID}?$select=id,userPrincipalName,displayName,userType`,
    });
    expect(first?.[1]?.url).toBe(`/users/${USER_ID}/transitiveMemberOf?$top=999`);
    expect(first?.slice(2).map((step) => principalOf(step))).toEqual([USER_ID, USER_ID, USER_ID, USER_ID]);
    expect(sent[0]?.headers.get('client-request-id')).toBe(CLIENT_REQUEST_ID);
  });

  it('keeps the resolved id in lower case, and leaves out a null displayName and userType', async () => {
    const { decision } = await check({
      user: { id: USER_ID.toUpperCase(), userPrincipalName: UPN, displayName: null, userType: null },
    });
    expect(decision.target).toEqual({
      id: USER_ID,
      userPrincipalName: UPN,
      groupIds: new Set(),
      administrativeUnitIds: new Set(),
    });
  });

  it('lists every group the user is in (lower case), not its directory roles or administrative units', async () => {
    const { decision } = await check({
      memberOf: [
        group(GROUP_ID.toUpperCase()),
        { '@odata.type': '#microsoft.graph.directoryRole', id: 'd1', roleTemplateId: HELPDESK_ADMIN },
        { '@odata.type': '#microsoft.graph.administrativeUnit', id: 'au-1', displayName: 'Paris' },
      ],
    });
    expect([...decision.target.groupIds]).toEqual([GROUP_ID]);
    expect(decision).toMatchObject({ allowed: false, reasons: [`group:${GROUP_ID}(protected group)`] });
  });

  it('reads the @odata.type without regard to case', async () => {
    const other = '0f1e2d3c-4b5a-4697-8877-665544332211';
    const { decision } = await check({
      memberOf: [{ ...group(other), '@odata.type': '#Microsoft.Graph.Group' }],
    });
    expect([...decision.target.groupIds]).toEqual([other]);
  });

  it('refuses an active protected directory role from the memberships, template id in lower case', async () => {
    const { decision } = await check({
      memberOf: [
        {
          '@odata.type': '#microsoft.graph.directoryRole',
          id: 'D1',
          roleTemplateId: GLOBAL_ADMIN.toUpperCase(),
        },
      ],
    });
    expect(refused(decision)).toMatchObject({
      code: 'protected_account',
      reasons: [`role:${GLOBAL_ADMIN}(active)`],
      target: { groupIds: new Set() },
    });
  });

  it('refuses a user holding a protected role on its own rows, eligible or active', async () => {
    const { decision, batches } = await check({
      roles: { [USER_ID]: { el: [roleRow(GLOBAL_ADMIN)], ra: [roleRow(GLOBAL_ADMIN)] } },
    });
    expect(refused(decision).reasons).toEqual([
      `role:${GLOBAL_ADMIN}(active)`,
      `role:${GLOBAL_ADMIN}(eligible)`,
    ]);
    expect(batches()).toHaveLength(1);
  });

  it('reads the active instances list as active roles', async () => {
    const { decision } = await check({ roles: { [USER_ID]: { ac: [roleRow(GLOBAL_ADMIN)] } } });
    expect(refused(decision).reasons).toEqual([`role:${GLOBAL_ADMIN}(active)`]);
  });

  it('looks up a role-assignable group’s roles in a second batch, without PIM for Groups', async () => {
    const { decision, batches } = await check({
      memberOf: [group(ROLE_GROUP_ID, true), group(GROUP_ID, null)],
      roles: { [ROLE_GROUP_ID]: { ac: [roleRow(GLOBAL_ADMIN, { principalId: ROLE_GROUP_ID })] } },
    });
    expect(batches()).toHaveLength(2);
    expect(stepIds(batches()[1])).toEqual(['g0-el', 'g0-ac', 'g0-ra']);
    expect(batches()[1]?.map((step) => principalOf(step))).toEqual([
      ROLE_GROUP_ID,
      ROLE_GROUP_ID,
      ROLE_GROUP_ID,
    ]);
    expect(refused(decision).reasons).toEqual([
      `group:${GROUP_ID}(protected group)`,
      `group:${ROLE_GROUP_ID}(role-assignable)`,
      `role:${GLOBAL_ADMIN}(active via group ${ROLE_GROUP_ID})`,
    ]);
    expect(decision.graphRequestIds).toEqual(['batch-0', 'batch-1']);
  });

  it('looks up the groups the user is PIM-eligible for, and finds the roles they give', async () => {
    const { decision, batches } = await check({
      groupEligibilities: [{ groupId: PIM_GROUP_ID.toUpperCase(), principalId: USER_ID, accessId: 'member' }],
      roles: { [PIM_GROUP_ID]: { el: [roleRow(GLOBAL_ADMIN, { principalId: PIM_GROUP_ID })] } },
    });
    expect(stepIds(batches()[1])).toEqual(['g0-el', 'g0-ac', 'g0-ra']);
    expect(refused(decision).reasons).toEqual([
      `group:${PIM_GROUP_ID}(role-assignable, eligible member)`,
      `role:${GLOBAL_ADMIN}(eligible via eligible member of group ${PIM_GROUP_ID})`,
    ]);
  });

  it('allows a user eligible for a group that holds no role, after looking the group up', async () => {
    const { decision, batches } = await check({
      groupEligibilities: [{ groupId: PIM_GROUP_ID, principalId: USER_ID, accessId: 'owner' }],
    });
    expect(decision.allowed).toBe(true);
    expect(batches()).toHaveLength(2);
  });

  it('takes a PIM list’s AadPremiumLicenseRequired for "no PIM": nothing eligible, no group to look up', async () => {
    const unlicensed = { status: 400, body: graphError('AadPremiumLicenseRequired') };
    const { decision, batches } = await check({
      roles: { [USER_ID]: { ra: [roleRow(HELPDESK_ADMIN)] } },
      override: (_step, kind) => (kind === 'el' || kind === 'ac' || kind === 'pg' ? unlicensed : undefined),
    });
    expect(decision.allowed).toBe(true);
    expect(batches()).toHaveLength(1);
  });

  it('still refuses an active assignment when the PIM lists are unlicensed', async () => {
    const unlicensed = { status: 400, body: graphError('AadPremiumLicenseRequired') };
    const { decision } = await check({
      roles: { [USER_ID]: { ra: [roleRow(GLOBAL_ADMIN)] } },
      override: (_step, kind) => (kind === 'el' || kind === 'ac' || kind === 'pg' ? unlicensed : undefined),
    });
    expect(refused(decision).reasons).toEqual([`role:${GLOBAL_ADMIN}(active)`]);
  });
});

describe('checkTarget by UPN', () => {
  it('resolves the user first, then sends its look-ups with those of its role-assignable groups', async () => {
    const { decision, batches } = await check(
      { memberOf: [group(ROLE_GROUP_ID, true), group(GROUP_ID)] },
      UPN,
      { PROTECTED_GROUP_IDS: PIM_GROUP_ID },
    );
    const [first, second] = batches();
    expect(stepIds(first)).toEqual(['user', 'memberOf']);
    expect(first?.[0]?.url).toBe(`/users/${UPN}?$select=id,userPrincipalName,displayName,userType`);
    expect(first?.[1]?.url).toBe(`/users/${UPN}/transitiveMemberOf?$top=999`);
    expect(stepIds(second)).toEqual(['u-el', 'u-ac', 'u-ra', 'u-pg', 'g0-el', 'g0-ac', 'g0-ra']);
    expect([...(first ?? []), ...(second ?? [])].map((step) => step.method)).toEqual(Array(9).fill('GET'));
    expect(second?.slice(0, 4).map((step) => principalOf(step))).toEqual([
      USER_ID,
      USER_ID,
      USER_ID,
      USER_ID,
    ]);
    expect(second?.slice(4).map((step) => principalOf(step))).toEqual([
      ROLE_GROUP_ID,
      ROLE_GROUP_ID,
      ROLE_GROUP_ID,
    ]);
    expect(batches()).toHaveLength(2);
    expect(refused(decision).reasons).toEqual([`group:${ROLE_GROUP_ID}(role-assignable)`]);
    expect(decision.graphRequestIds).toEqual(['batch-0', 'batch-1']);
  });

  it('finds a role held through a role-assignable group read in the second batch', async () => {
    const { decision } = await check(
      {
        memberOf: [group(ROLE_GROUP_ID, true)],
        roles: { [ROLE_GROUP_ID]: { ra: [roleRow(GLOBAL_ADMIN, { principalId: ROLE_GROUP_ID })] } },
      },
      UPN,
    );
    expect(refused(decision).reasons).toContain(`role:${GLOBAL_ADMIN}(active via group ${ROLE_GROUP_ID})`);
  });

  it('reads the user’s own role rows from the second batch', async () => {
    const { decision } = await check({ roles: { [USER_ID]: { el: [roleRow(GLOBAL_ADMIN)] } } }, UPN);
    expect(refused(decision).reasons).toEqual([`role:${GLOBAL_ADMIN}(eligible)`]);
  });

  it('sends a third batch only for PIM-eligible groups not already looked up', async () => {
    const { decision, batches } = await check(
      {
        memberOf: [group(ROLE_GROUP_ID, true)],
        groupEligibilities: [
          { groupId: ROLE_GROUP_ID, principalId: USER_ID, accessId: 'member' },
          { groupId: PIM_GROUP_ID, principalId: USER_ID, accessId: 'member' },
        ],
        roles: { [PIM_GROUP_ID]: { ac: [roleRow(GLOBAL_ADMIN, { principalId: PIM_GROUP_ID })] } },
      },
      UPN,
    );
    expect(batches()).toHaveLength(3);
    expect(batches()[2]?.map((step) => principalOf(step))).toEqual([
      PIM_GROUP_ID,
      PIM_GROUP_ID,
      PIM_GROUP_ID,
    ]);
    expect(refused(decision).reasons).toContain(
      `role:${GLOBAL_ADMIN}(active via eligible member of group ${PIM_GROUP_ID})`,
    );
  });

  it('sends no further batch when every eligible group was already looked up', async () => {
    const { batches } = await check(
      {
        memberOf: [group(ROLE_GROUP_ID, true)],
        groupEligibilities: [{ groupId: ROLE_GROUP_ID, principalId: USER_ID, accessId: 'member' }],
      },
      UPN,
    );
    expect(batches()).toHaveLength(2);
  });
});

describe('break-glass accounts', () => {
  const breakGlass = { ...ADELE, id: BREAK_GLASS_ID.toUpperCase() };

  it('are refused after the first batch, even when their role look-ups failed', async () => {
    const { decision, batches } = await check(
      {
        user: breakGlass,
        memberOf: [group(GROUP_ID)],
        override: (_step, kind) =>
          kind.length === 2 ? { status: 500, body: graphError('generalException') } : undefined,
      },
      BREAK_GLASS_ID,
    );
    expect(decision).toEqual({
      allowed: false,
      code: 'break_glass_account',
      reasons: [`break_glass:${BREAK_GLASS_ID}`],
      target: { ...ADELE, id: BREAK_GLASS_ID, groupIds: new Set() },
      graphRequestIds: ['batch-0'],
    });
    expect(batches()).toHaveLength(1);
  });

  it('are refused by UPN once resolved, without reading their memberships further', async () => {
    const { decision, batches } = await check({ user: breakGlass, memberOf: { value: 'not a list' } }, UPN);
    expect(refused(decision).code).toBe('break_glass_account');
    expect(batches()).toHaveLength(1);
  });
});

describe('an unknown target', () => {
  it('is user_not_found with Graph’s request-id and code, naming the object id', async () => {
    const { error } = await checkError({
      override: (_step, kind) =>
        kind === 'user'
          ? { status: 404, body: graphError('Request_ResourceNotFound', 'step-404') }
          : undefined,
    });
    expect(error).toMatchObject({
      code: 'user_not_found',
      detail: `No user ${USER_ID} in the tenant.`,
      options: { graphRequestId: 'step-404', graphCode: 'Request_ResourceNotFound' },
    });
  });

  it('names the UPN, and adds no ids Graph did not give', async () => {
    const { error } = await checkError(
      { override: (_step, kind) => (kind === 'user' ? { status: 404 } : undefined) },
      UPN,
    );
    expect(error.code).toBe('user_not_found');
    expect(error.detail).toBe(`No user ${UPN} in the tenant.`);
    expect(error.options).toStrictEqual({});
  });
});

describe('failing closed', () => {
  const failing = (failKind: string, answer: StepAnswer): Tenant => ({
    override: (_step, kind) => (kind === failKind ? answer : undefined),
  });

  it.each([
    ['user', 'the user look-up'],
    ['memberOf', 'the membership look-up'],
    ['el', 'a role eligibility look-up'],
    ['ac', 'an active role look-up'],
    ['ra', 'a role assignment look-up'],
    ['pg', 'the PIM for Groups look-up'],
  ])(
    'names the failed step %s in the detail, with Graph’s status, code and request-id',
    async (kind, name) => {
      const { error } = await checkError(
        failing(kind, { status: 500, body: graphError('generalException', `step-${kind}`) }),
      );
      expect(error).toMatchObject({
        code: 'guard_unavailable',
        detail: `${PREFIX}${name} answered 500 generalException.`,
      });
      expect(error.options).toStrictEqual({ graphRequestId: `step-${kind}`, graphCode: 'generalException' });
    },
  );

  it('names a group’s failed look-up as such', async () => {
    const { error } = await checkError({
      memberOf: [group(ROLE_GROUP_ID, true)],
      override: (step) =>
        step.id === 'g0-ra' ? { status: 403, body: graphError('Authorization_RequestDenied') } : undefined,
    });
    expect(error.detail).toBe(`${PREFIX}a role assignment look-up answered 403 Authorization_RequestDenied.`);
  });

  it('leaves out a code Graph did not give', async () => {
    const { error } = await checkError(failing('memberOf', { status: 502 }));
    expect(error.detail).toBe(`${PREFIX}the membership look-up answered 502.`);
    expect(error.options).toStrictEqual({});
  });

  it('takes no status outside 2xx as an answer', async () => {
    const { error } = await checkError(failing('user', { status: 300, body: ADELE }));
    expect(error.detail).toBe(`${PREFIX}the user look-up answered 300.`);
  });

  it('passes a throttled step’s Retry-After on when it is longer than worth waiting for', async () => {
    const { error, batches } = await checkError(
      failing('el', {
        status: 429,
        headers: { 'Retry-After': '120' },
        body: graphError('TooManyRequests', 'step-429'),
      }),
    );
    expect(error.options).toStrictEqual({
      graphRequestId: 'step-429',
      graphCode: 'TooManyRequests',
      retryAfterSeconds: 120,
    });
    expect(batches()).toHaveLength(1);
  });

  it('re-sends a throttled step within the configured retries and keeps every request-id', async () => {
    let throttled = 0;
    const { decision, batches } = await check({
      override: (_step, kind) => {
        if (kind !== 'ra' || throttled >= 2) return undefined;
        throttled += 1;
        return { status: 429, headers: { 'Retry-After': '0' }, body: graphError('TooManyRequests') };
      },
    });
    expect(decision).toMatchObject({ allowed: true, graphRequestIds: ['batch-0', 'batch-1', 'batch-2'] });
    expect(stepIds(batches()[2])).toEqual(['u-ra']);
  });

  it('gives up after GRAPH_MAX_RETRIES re-sends', async () => {
    const { error, batches } = await checkError(
      failing('ra', { status: 429, headers: { 'Retry-After': '0' }, body: graphError('TooManyRequests') }),
      USER_ID,
      { GRAPH_MAX_RETRIES: '1' },
    );
    expect(error.code).toBe('guard_unavailable');
    expect(batches()).toHaveLength(2);
  });

  it('takes AadPremiumLicenseRequired from roleAssignments (not a PIM list) for a failure', async () => {
    const { error } = await checkError(
      failing('ra', { status: 400, body: graphError('AadPremiumLicenseRequired') }),
    );
    expect(error.options.graphCode).toBe('AadPremiumLicenseRequired');
  });

  it('does not take another status or code from a PIM list for "no licence"', async () => {
    const other = await checkError(failing('el', { status: 400, body: graphError('BadRequest') }));
    expect(other.error.options.graphCode).toBe('BadRequest');
    const forbidden = await checkError(
      failing('pg', { status: 403, body: graphError('AadPremiumLicenseRequired') }),
    );
    expect(forbidden.error.code).toBe('guard_unavailable');
  });

  it('reads the PIM service’s own error code from an UnknownError message', async () => {
    const message = JSON.stringify({
      errorCode: 'PermissionScopeNotGranted',
      message: 'Authorization failed',
    });
    const { error } = await checkError(
      failing('ac', { status: 403, body: graphError('UnknownError', 'pim-1', message) }),
    );
    expect(error.options).toStrictEqual({ graphRequestId: 'pim-1', graphCode: 'PermissionScopeNotGranted' });
    expect(error.detail).toBe(`${PREFIX}an active role look-up answered 403 PermissionScopeNotGranted.`);
  });

  it.each([
    ['not JSON', 'Authorization failed'],
    ['JSON without an errorCode string', JSON.stringify({ errorCode: 7 })],
  ])('keeps UnknownError when its message is %s', async (_name, message) => {
    const { error } = await checkError(
      failing('ac', { status: 403, body: graphError('UnknownError', 'pim-1', message) }),
    );
    expect(error.options.graphCode).toBe('UnknownError');
  });

  it('keeps another code even when its message holds an errorCode', async () => {
    const message = JSON.stringify({ errorCode: 'PermissionScopeNotGranted' });
    const { error } = await checkError(
      failing('ac', { status: 403, body: graphError('Forbidden', 'pim-1', message) }),
    );
    expect(error.options.graphCode).toBe('Forbidden');
  });

  it('refuses a user without a GUID id, naming the last batch’s request-id', async () => {
    const { error } = await checkError({ user: { ...ADELE, id: 'not-a-guid' } });
    expect(error.detail).toBe(`${PREFIX}The user look-up gave no usable user.`);
    expect(error.options).toStrictEqual({ graphRequestId: 'batch-0' });
  });

  it('refuses a user without a userPrincipalName, and adds no request-id Graph did not give', async () => {
    const { error } = await checkError({ user: { id: USER_ID }, requestId: () => undefined });
    expect(error.code).toBe('guard_unavailable');
    expect(error.options).toStrictEqual({});
  });

  it('refuses a membership without a type', async () => {
    const { error } = await checkError({ memberOf: [{ id: GROUP_ID }] });
    expect(error.detail).toBe(`${PREFIX}The membership look-up gave an object without a type or id.`);
  });

  it('refuses limited group objects (no displayName)', async () => {
    const { error } = await checkError({ memberOf: [{ ...group(GROUP_ID), displayName: null }] });
    expect(error.detail).toContain('without their properties (the identity needs GroupMember.Read.All)');
  });

  it('refuses directory roles without a template id', async () => {
    const { error } = await checkError({
      memberOf: [{ '@odata.type': '#microsoft.graph.directoryRole', id: 'd1', roleTemplateId: null }],
    });
    expect(error.detail).toContain(
      'without their template ids (the identity needs RoleManagement.Read.Directory)',
    );
  });

  it.each([
    ['a second page', page([], 'https://graph.microsoft.com/v1.0/next')],
    ['no list', { value: 'rows' }],
  ])('refuses a role list with %s', async (_name, body) => {
    const { error } = await checkError(failing('ra', { status: 200, body }));
    expect(error.detail).toBe(`${PREFIX}a role assignment look-up gave an unexpected answer.`);
  });

  it('refuses an unreadable role row', async () => {
    const { error } = await checkError(
      failing('el', { status: 200, body: page([{ principalId: USER_ID }]) }),
    );
    expect(error.detail).toBe(`${PREFIX}a role eligibility look-up gave an unreadable row.`);
  });

  it('refuses an unreadable PIM for Groups row', async () => {
    const { error } = await checkError({ groupEligibilities: [{ groupId: PIM_GROUP_ID }] });
    expect(error.detail).toBe(`${PREFIX}the PIM for Groups look-up gave an unreadable row.`);
  });

  it('refuses a failed batch, keeping Graph’s code and request-id', async () => {
    const graph = scriptedGraph({});
    vi.stubGlobal('fetch', () =>
      Promise.resolve(json(500, graphError('generalException', 'batch-500'), { 'request-id': 'batch-500' })),
    );
    const error: unknown = await checkTarget(graph.deps, UserReferenceSchema.parse(USER_ID), 'c').catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({
      code: 'guard_unavailable',
      options: { graphRequestId: 'batch-500', graphCode: 'generalException' },
    });
    expect((error as AppError).detail).toMatch(new RegExp(`^${PREFIX}`));
    expect((error as AppError).options.cause).toBeInstanceOf(AppError);
  });

  it('passes the action deadline on as time_budget_exceeded, not as the guard failing', async () => {
    const graph = scriptedGraph({});
    const error: unknown = await withDeadline(actionDeadline(0), () =>
      checkTarget(graph.deps, UserReferenceSchema.parse(USER_ID), 'c'),
    ).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'time_budget_exceeded' });
    expect(graph.sent).toHaveLength(0);
  });
});

describe('paged memberships', () => {
  const NEXT = 'https://graph.microsoft.com/v1.0/users/x/transitiveMemberOf?$skiptoken=2';

  it('follows a nextLink on the Graph origin and reads the groups on page 2', async () => {
    const { decision, sent } = await check({
      memberOf: page([group(ROLE_GROUP_ID)], NEXT),
      nextPage: () => json(200, page([group(GROUP_ID)])),
    });
    expect(sent[1]).toMatchObject({ method: 'GET', url: NEXT });
    expect(sent[1]?.headers.get('client-request-id')).toBe(CLIENT_REQUEST_ID);
    expect([...decision.target.groupIds]).toEqual([ROLE_GROUP_ID, GROUP_ID]);
    expect(refused(decision).reasons).toEqual([`group:${GROUP_ID}(protected group)`]);
    expect(decision.graphRequestIds).toEqual(['batch-0', 'batch-1']);
  });

  it('refuses a nextLink to another origin, sending nothing there', async () => {
    const { error, sent } = await checkError({
      memberOf: page([group(ROLE_GROUP_ID)], 'https://graph.example.net/v1.0/next'),
    });
    expect(error.detail).toBe(
      `${PREFIX}the membership look-up gave a nextLink outside the configured Graph origin.`,
    );
    expect(error.options).toStrictEqual({ graphRequestId: 'batch-0' });
    expect(sent).toHaveLength(1);
  });

  it('stops after 50 pages', async () => {
    const { error, sent } = await checkError({
      memberOf: page([], NEXT),
      nextPage: () => json(200, page([], NEXT)),
    });
    expect(error.detail).toBe(`${PREFIX}the membership look-up has more than 50 pages.`);
    expect(sent).toHaveLength(50);
  });

  it('fails closed on a failed page, with its request-id', async () => {
    const { error } = await checkError({
      memberOf: page([], NEXT),
      nextPage: () => json(500, graphError('serviceUnavailable', 'page-500')),
    });
    expect(error).toMatchObject({
      code: 'guard_unavailable',
      options: { graphRequestId: 'page-500', graphCode: 'serviceUnavailable' },
    });
  });
});
