import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { parseSeed, ROLE_TEMPLATE_IDS } from '../../local/graph';
import { demoGroupId, demoSeed, demoSeedUser } from '../support/demo-tenant';
import {
  simulatorCall,
  simulatorGet,
  type SimulatorReply,
  useGraphSimulator,
} from '../support/graph-fixture';
import { odataErrorProblems, v1Schemas } from '../support/graph-schemas';

// Group, role and PIM reads of the simulator (user-list-transitivememberof, rbacapplication-list-…,
// privilegedaccessgroup-list-…). The PIM lists aren't in Microsoft's OpenAPI subsets, so their
// shapes are checked here against their resource pages and examples.

const fixture = useGraphSimulator({ resetAfterEach: true });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GA = ROLE_TEMPLATE_IDS.globalAdministrator;
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d';
const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';

const get = (path: string, options?: Parameters<typeof simulatorGet>[2]) =>
  simulatorGet(fixture, path, options);

const ADVANCED = { ConsistencyLevel: 'eventual' };
const filter = (expression: string) => `$filter=${encodeURIComponent(expression)}`;
/** What the subset's schema finds wrong with a 200 answer to GET `path`. */
const responseErrors = (path: string, body: unknown) =>
  v1Schemas.validateResponse({ method: 'GET', path, status: 200, body }).errors;

describe('GET /users/{id}/transitiveMemberOf', () => {
  it('lists nested groups with @odata.type; ordinary groups answer isAssignableToRole null', async () => {
    const joni = demoSeedUser('protectedGroupMember');
    const reply = await get(`/v1.0/users/${joni.userPrincipalName}/transitiveMemberOf`);
    expect(reply.status).toBe(200);
    expect(reply.body['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#directoryObjects');
    expect(
      reply.body.value?.map((item) => [item['@odata.type'], item.displayName, item.isAssignableToRole]),
    ).toEqual([
      ['#microsoft.graph.group', 'Treasury Team', null],
      ['#microsoft.graph.group', 'Payment Approvers', null],
    ]);
    expect(responseErrors(`/users/${joni.id}/transitiveMemberOf`, reply.body)).toEqual([]);
  });

  it('lists a role held through a role-assignable group as a directoryRole with its template id', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const reply = await get(`/v1.0/users/${nestor.id}/transitiveMemberOf`);
    expect(reply.body.value).toEqual([
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.group',
        id: demoGroupId('Security Operations Admins'),
        isAssignableToRole: true,
      }),
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.directoryRole',
        roleTemplateId: SECURITY_ADMIN,
      }),
    ]);
  });

  it.each([
    ['PIM-eligible roles', 'eligibleGlobalAdministrator'],
    ['roles scoped to an administrative unit', 'scopedAdministrator'],
    ['groups one is only PIM-eligible to join', 'pimGroupEligibleMember'],
  ] as const)('leaves out %s', async (_what, part) => {
    const reply = await get(`/v1.0/users/${demoSeedUser(part).id}/transitiveMemberOf`);
    expect(reply.body.value).toEqual([]);
  });

  it('gives limited objects (type and id, the rest null) to an app that may not read groups or roles', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const reply = await get(`/v1.0/users/${nestor.id}/transitiveMemberOf`, { roles: ['User.Read.All'] });
    expect(reply.status).toBe(200);
    expect(reply.body.value?.[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.group',
      id: demoGroupId('Security Operations Admins'),
      displayName: null,
      isAssignableToRole: null,
      securityEnabled: null,
      groupTypes: [],
    });
    expect(reply.body.value?.[1]).toMatchObject({ displayName: null, roleTemplateId: null });
  });

  it('pages at $top with an @odata.nextLink on the simulator’s canonical origin, and refuses $top over 999', async () => {
    const joni = demoSeedUser('protectedGroupMember');
    const first = await get(`/v1.0/users/${joni.id}/transitiveMemberOf?$top=1`);
    const next = String(first.body['@odata.nextLink']);
    expect(
      next.startsWith(
        `https://localhost:${fixture.simulator.port}/v1.0/users/${joni.id}/transitiveMemberOf?`,
      ),
    ).toBe(true);
    expect(next).toContain('$top=1');
    const second = await get(next);
    expect([first.body.value?.[0]?.displayName, second.body.value?.[0]?.displayName]).toEqual([
      'Treasury Team',
      'Payment Approvers',
    ]);
    expect(second.body['@odata.nextLink']).toBeUndefined();

    const tooMany = await get(`/v1.0/users/${joni.id}/transitiveMemberOf?$top=1000`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message: "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    });
  });

  it('needs ConsistencyLevel: eventual and $count=true for a cast or $filter; then counts', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const cast = `/v1.0/users/${nestor.id}/transitiveMemberOf/microsoft.graph.directoryRole`;
    const without = await get(cast);
    expect(without.status).toBe(400);
    expect(without.body.error?.code).toBe('Request_UnsupportedQuery');
    expect(odataErrorProblems(without.body)).toEqual([]);
    expect((await get(`${cast}?$count=true`)).status).toBe(400);

    const withHeader = await get(`${cast}?$count=true`, { headers: ADVANCED });
    expect(withHeader.status).toBe(200);
    expect(withHeader.body).toMatchObject({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryRoles',
      '@odata.count': 1,
      value: [{ roleTemplateId: SECURITY_ADMIN }],
    });
    expect(withHeader.body.value?.[0]?.['@odata.type']).toBeUndefined();

    const filtered = `/v1.0/users/${nestor.id}/transitiveMemberOf?$count=true&${filter('isAssignableToRole eq true')}`;
    expect((await get(filtered)).status).toBe(400);
    const reply = await get(filtered, { headers: ADVANCED });
    expect(reply.body.value?.map((item) => item.id)).toEqual([demoGroupId('Security Operations Admins')]);
  });

  it('serves beta the same, with a beta context', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const reply = await get(`/beta/users/${nestor.id}/transitiveMemberOf`);
    expect(reply.body['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#directoryObjects');
    expect(reply.body.value?.map((item) => item['@odata.type'])).toEqual([
      '#microsoft.graph.group',
      '#microsoft.graph.directoryRole',
    ]);
  });

  it('sorts by displayName only as an advanced query', async () => {
    const joni = demoSeedUser('protectedGroupMember');
    const path = `/v1.0/users/${joni.id}/transitiveMemberOf?$orderby=displayName`;
    expect((await get(path)).status).toBe(400);
    expect((await get(path, { headers: ADVANCED })).status).toBe(400);
    const sorted = await get(`${path}&$count=true`, { headers: ADVANCED });
    expect(sorted.body.value?.map((item) => item.displayName)).toEqual([
      'Payment Approvers',
      'Treasury Team',
    ]);
  });

  it('ignores $count=true without the header, and answers $search without it with 400', async () => {
    const joni = demoSeedUser('protectedGroupMember');
    const counted = await get(`/v1.0/users/${joni.id}/transitiveMemberOf?$count=true`);
    expect(counted.status).toBe(200);
    expect(counted.body['@odata.count']).toBeUndefined();
    const search = await get(`/v1.0/users/${joni.id}/transitiveMemberOf?$search="displayName:treasury"`);
    expect(search.status).toBe(400);
    const searched = await get(`/v1.0/users/${joni.id}/transitiveMemberOf?$search="displayName:treasury"`, {
      headers: ADVANCED,
    });
    expect(searched.body.value?.map((item) => item.displayName)).toEqual(['Treasury Team']);
  });

  it('costs 2 resource units (1 with a $top under 20), a 403 included; role assignments report none', async () => {
    const path = `/v1.0/users/${demoSeedUser('roleGroupMember').id}/transitiveMemberOf`;
    const units = async (query: string, roles?: string[]) =>
      (await simulatorCall(fixture, `${path}${query}`, roles === undefined ? {} : { roles })).headers.get(
        'x-ms-resource-unit',
      );
    expect([await units(''), await units('?$top=1'), await units('', ['Policy.Read.All'])]).toEqual([
      '2',
      '1',
      '2',
    ]);
    const assignments = await simulatorCall(fixture, '/v1.0/roleManagement/directory/roleAssignments');
    expect(assignments.headers.get('x-ms-resource-unit')).toBeNull();
  });

  it('refuses $skip and a $skiptoken it did not issue, with the directory’s observed bodies', async () => {
    const path = `/v1.0/users/${demoSeedUser('roleGroupMember').id}/transitiveMemberOf`;
    const skip = await get(`${path}?$skip=1`);
    expect([skip.status, skip.body.error?.code, skip.body.error?.message]).toEqual([
      400,
      'Request_BadRequest',
      "'$skip' is not supported by the service.",
    ]);
    const token = await get(`${path}?$skiptoken=X%27445370%27`);
    expect([token.status, token.body.error?.code, token.body.error?.message]).toEqual([
      400,
      '',
      'Invalid Skip Token',
    ]);
  });

  it('answers …/$count as text/plain with ConsistencyLevel, and 400 without it', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const path = `/v1.0/users/${nestor.id}/transitiveMemberOf`;
    const all = await get(`${path}?$count=true`, { headers: ADVANCED });
    expect(all.body['@odata.count']).toBe(2);
    const count = await simulatorCall(fixture, `${path}/$count`, { headers: ADVANCED });
    expect([count.status, count.headers.get('content-type'), count.body]).toEqual([200, 'text/plain', 2]);
    const groups = await simulatorCall(fixture, `${path}/microsoft.graph.group/$count`, {
      headers: ADVANCED,
    });
    expect(groups.body).toBe(1);
    const without = await get(`${path}/$count`);
    expect([without.status, without.body.error?.code, without.body.error?.message]).toEqual([
      400,
      'Request_BadRequest',
      '$count is not currently supported.',
    ]);
  });

  it('applies $select per type and rejects names no member type has', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const reply = await get(
      `/v1.0/users/${nestor.id}/transitiveMemberOf?$select=id,isAssignableToRole,roleTemplateId`,
    );
    expect(reply.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#directoryObjects(id,isAssignableToRole,roleTemplateId)',
    );
    expect(reply.body.value).toEqual([
      {
        '@odata.type': '#microsoft.graph.group',
        id: demoGroupId('Security Operations Admins'),
        isAssignableToRole: true,
      },
      {
        '@odata.type': '#microsoft.graph.directoryRole',
        id: expect.stringMatching(GUID) as unknown,
        roleTemplateId: SECURITY_ADMIN,
      },
    ]);
    expect((await get(`/v1.0/users/${nestor.id}/transitiveMemberOf?$select=nope`)).status).toBe(400);
  });

  it('pages at 100 by default, with @odata.count on the first page only', async () => {
    const adele = demoSeedUser('ordinaryUser');
    const seed = structuredClone(demoSeed());
    for (let n = 0; n < 101; n += 1) {
      seed.groups.push({
        id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        displayName: `Bulk ${n}`,
        mailEnabled: false,
        securityEnabled: true,
        groupTypes: [],
        isAssignableToRole: false,
        memberIds: [adele.id],
      });
    }
    fixture.simulator.reset(seed);
    const path = `/v1.0/users/${adele.id}/transitiveMemberOf`;
    const total = Number((await simulatorCall(fixture, `${path}/$count`, { headers: ADVANCED })).body);
    expect(total).toBeGreaterThan(101);
    const first = await get(path);
    expect(first.body.value).toHaveLength(100);
    const second = await get(String(first.body['@odata.nextLink']));
    expect(second.body.value).toHaveLength(total - 100);

    const counted = await get(`${path}?$count=true&$orderby=displayName`, { headers: ADVANCED });
    expect(counted.body['@odata.count']).toBe(total);
    const rest = await get(String(counted.body['@odata.nextLink']), { headers: ADVANCED });
    expect(rest.status).toBe(200);
    expect(rest.body['@odata.count']).toBeUndefined();
  });

  it('takes any permission the list accepts, and answers 403 to an app with none', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const path = `/v1.0/users/${nestor.id}/transitiveMemberOf`;
    for (const role of ['User.Read.All', 'GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All']) {
      expect((await get(path, { roles: [role] })).status).toBe(200);
    }
    const full = await get(path, { roles: ['Directory.Read.All'] });
    expect(full.body.value?.map((item) => item.displayName)).toEqual([
      'Security Operations Admins',
      'Security Administrator',
    ]);
    const denied = await get(path, { roles: ['Policy.Read.All'] });
    expect([denied.status, denied.body.error?.code]).toEqual([403, 'Authorization_RequestDenied']);
  });

  it('gives directory roles their schema’s properties, roleTemplateId the built-in template id', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const reply = await get(`/v1.0/users/${nestor.id}/transitiveMemberOf`);
    expect(reply.body.value?.[1]).toEqual({
      '@odata.type': '#microsoft.graph.directoryRole',
      id: expect.stringMatching(GUID) as unknown,
      deletedDateTime: null,
      description: expect.any(String) as unknown,
      displayName: 'Security Administrator',
      roleTemplateId: SECURITY_ADMIN,
    });
    // The activated role's id is the tenant's own, not the template id.
    expect(reply.body.value?.[1]?.id).not.toBe(SECURITY_ADMIN);
    expect(responseErrors(`/users/${nestor.id}/transitiveMemberOf`, reply.body)).toEqual([]);
  });

  it('answers 404 for an unknown user', async () => {
    const reply = await get('/v1.0/users/nobody@contoso.onmicrosoft.com/transitiveMemberOf');
    expect(reply.status).toBe(404);
    expect(reply.body.error?.code).toBe('Request_ResourceNotFound');
  });

  it('runs inside $batch with the step’s own ConsistencyLevel header', async () => {
    const nestor = demoSeedUser('roleGroupMember');
    const response = await fetch(`${fixture.simulator.url}/v1.0/$batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fixture.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        requests: [
          {
            id: 'cast',
            method: 'GET',
            url: `/users/${nestor.id}/transitiveMemberOf/microsoft.graph.group?$count=true`,
            headers: ADVANCED,
          },
          { id: 'paged', method: 'GET', url: `/users/${nestor.id}/transitiveMemberOf?$top=1` },
        ],
      }),
    });
    const body = (await response.json()) as {
      responses: { id: string; status: number; body: SimulatorReply['body'] }[];
    };
    const cast = body.responses.find((step) => step.id === 'cast');
    expect(cast).toMatchObject({ status: 200, body: { '@odata.count': 1 } });
    const paged = body.responses.find((step) => step.id === 'paged');
    expect(String(paged?.body['@odata.nextLink'])).toMatch(
      new RegExp(`^https://localhost:${fixture.simulator.port}/v1\\.0/users/`),
    );
  });
});

describe('GET /roleManagement/directory/roleAssignments', () => {
  it('stores a group’s assignment under the group’s id, with no per-member rows', async () => {
    const group = demoGroupId('Security Operations Admins');
    const byGroup = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${group}'`)}`,
    );
    expect(byGroup.body.value).toEqual([
      {
        id: expect.stringMatching(/^[A-Za-z0-9_-]{43}-1$/) as unknown,
        principalId: group,
        roleDefinitionId: SECURITY_ADMIN,
        directoryScopeId: '/',
        appScopeId: null,
        condition: null,
        principalOrganizationId: demoSeed().tenant.id,
      },
    ]);
    const member = demoSeedUser('roleGroupMember').id;
    const byMember = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${member}'`)}`,
    );
    expect(byMember.body.value).toEqual([]);
  });

  it('builds ids as Graph does: role definition id then principal id, base64url, "-1"', async () => {
    const megan = demoSeedUser('globalAdministrator').id;
    const reply = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${megan}' and roleDefinitionId eq '${GA}'`)}`,
    );
    // The documented example id for a Global Administrator assignment starts with lAPpYvVpN0KRkAEhdxReE.
    expect(reply.body.value?.[0]?.id).toMatch(/^lAPpYvVpN0KRkAEhdxReE/);
  });

  it('expands the principal and lists scoped assignments', async () => {
    const pradeep = demoSeedUser('scopedAdministrator');
    const reply = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${pradeep.id}'`)}&$expand=principal`,
    );
    expect(reply.body.value).toEqual([
      expect.objectContaining({
        directoryScopeId: '/administrativeUnits/26a72f37-b032-4256-9be2-13fb0c1723a7',
        principal: expect.objectContaining({
          '@odata.type': '#microsoft.graph.user',
          id: pradeep.id,
        }) as unknown,
      }),
    ]);
  });

  it('answers 403 without a role-management read permission', async () => {
    const reply = await get('/v1.0/roleManagement/directory/roleAssignments', { roles: ['User.Read.All'] });
    expect(reply.status).toBe(403);
    expect(reply.body.error?.code).toBe('Authorization_RequestDenied');
    // The list doc's Application row also names RoleManagement.Read.All.
    const readAll = await get('/v1.0/roleManagement/directory/roleAssignments', {
      roles: ['RoleManagement.Read.All'],
    });
    expect(readAll.status).toBe(200);
  });

  it('filters with eq and in, the operators the resource page lists, and refuses ne', async () => {
    const megan = demoSeedUser('globalAdministrator').id;
    const group = demoGroupId('Security Operations Admins');
    const reply = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId in ('${megan}', '${group}')`)}`,
    );
    expect(reply.status).toBe(200);
    expect(new Set(reply.body.value?.map((row) => row.principalId))).toEqual(new Set([megan, group]));
    const ne = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId ne '${megan}'`)}`,
    );
    expect(ne.status).toBe(400);
  });

  it('expands the role definition, a built-in one under its template id', async () => {
    const megan = demoSeedUser('globalAdministrator').id;
    const reply = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${megan}'`)}&$expand=roleDefinition`,
    );
    expect(reply.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments(roleDefinition())',
    );
    expect(reply.body.value?.[0]?.roleDefinition).toMatchObject({
      id: GA,
      templateId: GA,
      displayName: 'Global Administrator',
      isBuiltIn: true,
      isEnabled: true,
      resourceScopes: ['/'],
    });
    expect(
      v1Schemas.validateSchema('microsoft.graph.unifiedRoleDefinition', reply.body.value?.[0]?.roleDefinition)
        .errors,
    ).toEqual([]);
  });

  it('answers the doc’s example: every assignment of a role, with the principal expanded', async () => {
    const reply = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`roleDefinitionId eq '${GA}'`)}&$expand=principal`,
    );
    expect(reply.status).toBe(200);
    expect(new Set(reply.body.value?.map((row) => (row.principal as { id: string }).id))).toEqual(
      new Set([demoSeedUser('globalAdministrator').id, demoSeedUser('breakGlass').id]),
    );
    expect(reply.body.value?.every((row) => row.roleDefinitionId === GA)).toBe(true);
  });

  it('adds resourceScope on beta only, as the two schemas differ', async () => {
    const megan = demoSeedUser('globalAdministrator').id;
    const query = `/roleManagement/directory/roleAssignments?${filter(`principalId eq '${megan}'`)}`;
    expect((await get(`/beta${query}`)).body.value?.[0]).toMatchObject({
      resourceScope: '/',
      directoryScopeId: '/',
    });
    expect((await get(`/v1.0${query}`)).body.value?.[0]).not.toHaveProperty('resourceScope');
  });

  it('takes each read or write permission the list doc names', async () => {
    for (const role of [
      'RoleManagement.Read.Directory',
      'Directory.Read.All',
      'RoleManagement.ReadWrite.Directory',
      'Directory.ReadWrite.All',
    ]) {
      expect((await get('/v1.0/roleManagement/directory/roleAssignments', { roles: [role] })).status).toBe(
        200,
      );
    }
  });

  it('names every built-in role of the reference table when expanding its definition', async () => {
    const seed = structuredClone(demoSeed());
    const roles = {
      '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b': 'Message Center Reader',
      '75934031-6c7e-415a-99d7-48dbd49e875e': 'Usage Summary Reports Reader',
      '27460883-1df1-4691-b032-3b79643e5e63': 'User Experience Success Manager',
    };
    const adele = demoSeedUser('ordinaryUser').id;
    for (const roleDefinitionId of Object.keys(roles)) {
      seed.roleAssignments.push({
        principalId: adele,
        roleDefinitionId,
        directoryScopeId: '/administrativeUnits/26a72f37-b032-4256-9be2-13fb0c1723a7',
        startDateTime: null,
        endDateTime: null,
        assignmentType: 'Assigned',
      });
    }
    fixture.simulator.reset(seed);
    const reply = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${adele}'`)}&$expand=roleDefinition($select=id,displayName)`,
    );
    expect(
      Object.fromEntries(
        (reply.body.value ?? []).map((row) => {
          const definition = row.roleDefinition as { id: string; displayName: string };
          return [definition.id, definition.displayName];
        }),
      ),
    ).toEqual(roles);
  });

  it('names the $select list in @odata.context and keeps the id', async () => {
    const megan = demoSeedUser('globalAdministrator').id;
    const reply = await get(
      `/v1.0/roleManagement/directory/roleAssignments?${filter(`principalId eq '${megan}'`)}&$select=roleDefinitionId`,
    );
    expect(reply.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments(roleDefinitionId)',
    );
    expect(reply.body.value).toEqual([{ id: expect.any(String) as unknown, roleDefinitionId: GA }]);
  });
});

// The resource pages' shapes: exactly these properties (strict), PascalCase memberType/assignmentType.
const NullableDate = z.iso.datetime({ offset: true }).nullable();
const EligibilityInstance = z.strictObject({
  id: z.string().regex(/-\d+-e$/),
  principalId: z.string().regex(GUID),
  roleDefinitionId: z.string().regex(GUID),
  directoryScopeId: z.string(),
  appScopeId: z.null(),
  startDateTime: NullableDate,
  endDateTime: NullableDate,
  memberType: z.enum(['Direct', 'Group', 'Inherited']),
  roleEligibilityScheduleId: z.string().regex(GUID),
});
const AssignmentInstance = z.strictObject({
  id: z.string(),
  principalId: z.string().regex(GUID),
  roleDefinitionId: z.string().regex(GUID),
  directoryScopeId: z.string(),
  appScopeId: z.null(),
  startDateTime: NullableDate,
  endDateTime: NullableDate,
  assignmentType: z.enum(['Assigned', 'Activated']),
  memberType: z.enum(['Direct', 'Group', 'Inherited']),
  roleAssignmentOriginId: z.string(),
  roleAssignmentScheduleId: z.string(),
});
const GroupEligibilityInstance = z.strictObject({
  id: z.string(),
  accessId: z.enum(['owner', 'member']),
  eligibilityScheduleId: z.string(),
  groupId: z.string().regex(GUID),
  memberType: z.enum(['direct', 'group']),
  principalId: z.string().regex(GUID),
  startDateTime: NullableDate,
  endDateTime: NullableDate,
});
const collection = <T extends z.ZodType>(context: string, item: T) =>
  z.strictObject({
    '@odata.context': z.literal(`https://graph.microsoft.com/v1.0/$metadata#${context}`),
    value: z.array(item),
  });

const ELIGIBILITY = '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances';
const ASSIGNMENT = '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances';
const PIM_GROUPS = '/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances';

describe('PIM instance lists', () => {
  it('lists eligibilities in the documented shape, a group’s under the group’s id, ended ones left out', async () => {
    const all = await get(ELIGIBILITY);
    expect(
      collection('roleManagement/directory/roleEligibilityScheduleInstances', EligibilityInstance).safeParse(
        all.body,
      ).error,
    ).toBeUndefined();
    const group = demoGroupId('Privileged Role Approvers');
    expect(all.body.value?.map((row) => [row.principalId, row.roleDefinitionId])).toEqual([
      [demoSeedUser('eligibleGlobalAdministrator').id, GA],
      [group, ROLE_TEMPLATE_IDS.privilegedRoleAdministrator],
    ]);
    const member = demoSeedUser('eligibleRoleGroupMember').id;
    expect((await get(`${ELIGIBILITY}?${filter(`principalId eq '${member}'`)}`)).body.value).toEqual([]);
  });

  it('lists active instances in the documented shape: permanent direct ones reuse the assignment id', async () => {
    const megan = demoSeedUser('globalAdministrator').id;
    const reply = await get(`${ASSIGNMENT}?${filter(`principalId eq '${megan}'`)}`);
    const parsed = collection(
      'roleManagement/directory/roleAssignmentScheduleInstances',
      AssignmentInstance,
    ).parse(reply.body);
    expect(parsed.value).toEqual([
      expect.objectContaining({
        roleDefinitionId: GA,
        assignmentType: 'Assigned',
        memberType: 'Direct',
        startDateTime: null,
        endDateTime: null,
      }),
    ]);
    const row = parsed.value[0];
    expect([row?.roleAssignmentOriginId, row?.roleAssignmentScheduleId]).toEqual([row?.id, row?.id]);
  });

  it('lists PIM for Groups eligibilities by principalId or groupId, and requires one of them', async () => {
    const miriam = demoSeedUser('pimGroupEligibleMember').id;
    const group = demoGroupId('Exchange Operators');
    const byUser = await get(`${PIM_GROUPS}?${filter(`principalId eq '${miriam}'`)}`);
    const parsed = collection(
      'identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
      GroupEligibilityInstance,
    ).parse(byUser.body);
    expect(parsed.value).toEqual([
      expect.objectContaining({ id: `${group}_member_${miriam}`, groupId: group, accessId: 'member' }),
    ]);
    expect((await get(`${PIM_GROUPS}?${filter(`groupId eq '${group}'`)}`)).body.value).toHaveLength(1);
    const unfiltered = await get(PIM_GROUPS);
    expect(unfiltered.status).toBe(400);
    expect(odataErrorProblems(unfiltered.body)).toEqual([]);
  });

  it.each([ELIGIBILITY, ASSIGNMENT, PIM_GROUPS])(
    '%s answers 400 AadPremiumLicenseRequired in a tenant without P2',
    async (path) => {
      const seed = structuredClone(demoSeed());
      seed.licences = { p2: false };
      fixture.simulator.reset(seed);
      const miriam = demoSeedUser('pimGroupEligibleMember').id;
      const reply = await get(`${path}?${filter(`principalId eq '${miriam}'`)}`);
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({
        code: 'AadPremiumLicenseRequired',
        message: 'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
      });
      expect(odataErrorProblems(reply.body)).toEqual([]);
      // The unified RBAC list needs no P2.
      expect((await get('/v1.0/roleManagement/directory/roleAssignments')).status).toBe(200);
    },
  );

  it.each([
    [ELIGIBILITY, 'RoleEligibilitySchedule.Read.Directory'],
    [ASSIGNMENT, 'RoleAssignmentSchedule.Read.Directory'],
    [PIM_GROUPS, 'PrivilegedEligibilitySchedule.Read.AzureADGroup'],
  ])('%s answers PIM’s own 403 without %s', async (path, permission) => {
    const miriam = demoSeedUser('pimGroupEligibleMember').id;
    const denied = await get(`${path}?${filter(`principalId eq '${miriam}'`)}`, { roles: ['User.Read.All'] });
    expect(denied.status).toBe(403);
    expect(denied.body.error?.code).toBe('UnknownError');
    expect(JSON.parse(denied.body.error?.message ?? '{}')).toMatchObject({
      errorCode: 'PermissionScopeNotGranted',
      message: expect.stringContaining(permission) as unknown,
    });
    const allowed = await get(`${path}?${filter(`principalId eq '${miriam}'`)}`, { roles: [permission] });
    expect(allowed.status).toBe(200);
  });

  it('counts every roleAssignments row as active, under the same ids', async () => {
    const active = await get(ASSIGNMENT);
    const assignments = await get('/v1.0/roleManagement/directory/roleAssignments');
    expect(active.body.value?.map((row) => row.id)).toEqual(assignments.body.value?.map((row) => row.id));
  });

  it('lists an activation in force as Activated with its dates, and leaves out one that ended', async () => {
    const seed = structuredClone(demoSeed());
    const adele = demoSeedUser('ordinaryUser').id;
    const scope = '/administrativeUnits/26a72f37-b032-4256-9be2-13fb0c1723a7';
    const hour = 3_600_000;
    const at = (offset: number) => new Date(Date.now() + offset).toISOString();
    for (const [start, end] of [
      [at(-hour), at(hour)],
      [at(-2 * hour), at(-hour)],
    ] as const) {
      seed.roleAssignments.push({
        principalId: adele,
        roleDefinitionId: ROLE_TEMPLATE_IDS.helpdeskAdministrator,
        directoryScopeId: scope,
        startDateTime: start,
        endDateTime: end,
        assignmentType: 'Activated',
      });
    }
    fixture.simulator.reset(seed);
    const reply = await get(`${ASSIGNMENT}?${filter(`principalId eq '${adele}'`)}`);
    expect(reply.body.value).toEqual([
      expect.objectContaining({
        assignmentType: 'Activated',
        directoryScopeId: scope,
        startDateTime: seed.roleAssignments.at(-2)?.startDateTime,
        endDateTime: seed.roleAssignments.at(-2)?.endDateTime,
      }),
    ]);
  });

  it('filters on each property the resource pages list, and takes and-ed eq clauses', async () => {
    const debra = demoSeedUser('eligibleGlobalAdministrator').id;
    const megan = demoSeedUser('globalAdministrator').id;
    const [eligible] = (await get(`${ELIGIBILITY}?${filter(`principalId eq '${debra}'`)}`)).body.value ?? [];
    const [active] = (await get(`${ASSIGNMENT}?${filter(`principalId eq '${megan}'`)}`)).body.value ?? [];
    // A permanent eligibility has no end; rows made to a principal are Direct.
    expect(eligible).toMatchObject({ endDateTime: null, memberType: 'Direct' });
    const rows = async (path: string, expression: string) => {
      const reply = await get(`${path}?${filter(expression)}`);
      expect(reply.status).toBe(200);
      return reply.body.value?.map((row) => row.id);
    };
    const scheduleId = String(eligible?.roleEligibilityScheduleId);
    expect(await rows(ELIGIBILITY, `roleEligibilityScheduleId eq '${scheduleId}'`)).toEqual([eligible?.id]);
    expect(await rows(ELIGIBILITY, `roleEligibilityScheduleId ne '${scheduleId}'`)).not.toContain(
      eligible?.id,
    );
    expect(await rows(ELIGIBILITY, `memberType eq 'Direct' and roleDefinitionId eq '${GA}'`)).toEqual([
      eligible?.id,
    ]);
    expect(await rows(ELIGIBILITY, "memberType ne 'Direct'")).toEqual([]);
    expect(await rows(ELIGIBILITY, 'appScopeId eq null')).toHaveLength(2);
    expect(await rows(ASSIGNMENT, `principalId eq '${megan}' and roleDefinitionId eq '${GA}'`)).toEqual([
      active?.id,
    ]);
    expect(await rows(ASSIGNMENT, `roleAssignmentOriginId eq '${String(active?.id)}'`)).toEqual([active?.id]);
    expect(await rows(ASSIGNMENT, `roleAssignmentScheduleId eq '${String(active?.id)}'`)).toEqual([
      active?.id,
    ]);
    expect(await rows(ASSIGNMENT, "assignmentType ne 'Assigned'")).toEqual([]);
    expect(await rows(ASSIGNMENT, "directoryScopeId ne '/'")).toHaveLength(1);
  });

  it('reads the filter as a real client sends it: + for spaces, %27 for quotes (maester#1421)', async () => {
    const reply = await get(`${ELIGIBILITY}?$filter=roleDefinitionId+eq+%27${GA}%27&$expand=principal`);
    expect(reply.status).toBe(200);
    expect(reply.body.value?.map((row) => (row.principal as { id: string }).id)).toEqual([
      demoSeedUser('eligibleGlobalAdministrator').id,
    ]);
  });

  it.each([
    [
      ELIGIBILITY,
      [
        'RoleManagement.Read.Directory',
        'RoleManagement.Read.All',
        'RoleEligibilitySchedule.ReadWrite.Directory',
        'RoleManagement.ReadWrite.Directory',
      ],
    ],
    [
      ASSIGNMENT,
      [
        'RoleManagement.Read.Directory',
        'RoleManagement.Read.All',
        'RoleAssignmentSchedule.ReadWrite.Directory',
        'RoleManagement.ReadWrite.Directory',
      ],
    ],
    [PIM_GROUPS, ['PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup']],
  ])('%s also takes each broader permission Microsoft lists', async (path, permissions) => {
    const miriam = demoSeedUser('pimGroupEligibleMember').id;
    for (const permission of permissions) {
      const reply = await get(`${path}?${filter(`principalId eq '${miriam}'`)}`, { roles: [permission] });
      expect([permission, reply.status]).toEqual([permission, 200]);
    }
  });

  it('reports no x-ms-resource-unit: the throttling limits list no role-management family', async () => {
    const miriam = demoSeedUser('pimGroupEligibleMember').id;
    for (const path of [ELIGIBILITY, ASSIGNMENT, PIM_GROUPS]) {
      const reply = await simulatorCall(fixture, `${path}?${filter(`principalId eq '${miriam}'`)}`);
      expect(reply.headers.get('x-ms-resource-unit')).toBeNull();
    }
  });

  it('answers the round-one role-check batch, raw or encoded urls, each step on its own without P2', async () => {
    const lynne = demoSeedUser('eligibleRoleGroupMember').id;
    const steps = (encode: boolean) => {
      const q = (text: string) => (encode ? encodeURIComponent(text) : text);
      return [
        { id: 'mo', method: 'GET', url: `/users/${lynne}/transitiveMemberOf?$top=999` },
        {
          id: 'el',
          method: 'GET',
          url: `/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${q(`principalId eq '${lynne}'`)}`,
        },
        {
          id: 'ac',
          method: 'GET',
          url: `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=${q(`principalId eq '${lynne}'`)}`,
        },
        {
          id: 'pg',
          method: 'GET',
          url: `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=${q(`principalId eq '${lynne}'`)}`,
        },
      ];
    };
    const statuses = async (encode: boolean) => {
      const reply = await simulatorCall(fixture, '/v1.0/$batch', {
        method: 'POST',
        body: { requests: steps(encode) },
      });
      const { responses } = reply.body as {
        responses: { id: string; status: number; body: SimulatorReply['body'] }[];
      };
      return Object.fromEntries(responses.map((step) => [step.id, step]));
    };
    for (const encode of [false, true]) {
      const byId = await statuses(encode);
      expect([byId.mo?.status, byId.el?.status, byId.ac?.status, byId.pg?.status]).toEqual([
        200, 200, 200, 200,
      ]);
      expect(byId.mo?.body.value?.map((item) => item.displayName)).toEqual(['Privileged Role Approvers']);
    }
    const seed = structuredClone(demoSeed());
    seed.licences = { p2: false };
    fixture.simulator.reset(seed);
    const byId = await statuses(false);
    expect([byId.mo?.status, byId.el?.status, byId.ac?.status, byId.pg?.status]).toEqual([
      200, 400, 400, 400,
    ]);
    expect(byId.el?.body.error?.code).toBe('AadPremiumLicenseRequired');
  });

  it.each([ELIGIBILITY, ASSIGNMENT, PIM_GROUPS])('%s serves beta too, with a beta context', async (path) => {
    const miriam = demoSeedUser('pimGroupEligibleMember').id;
    const reply = await get(`${path.replace('/v1.0/', '/beta/')}?${filter(`principalId eq '${miriam}'`)}`);
    expect(reply.status).toBe(200);
    expect(reply.body['@odata.context']).toBe(
      `https://graph.microsoft.com/beta/$metadata#${path.replace('/v1.0/', '')}`,
    );
  });

  it('refuses a $filter on a property the list can’t filter', async () => {
    const reply = await get(`${ELIGIBILITY}?${filter("startDateTime eq '2025-01-01'")}`);
    expect(reply.status).toBe(400);
  });

  it('takes the operators the resource pages list: eq/ne, null on the scopes, no in', async () => {
    const debra = demoSeedUser('eligibleGlobalAdministrator').id;
    const ne = await get(`${ELIGIBILITY}?${filter(`principalId ne '${debra}'`)}`);
    expect(ne.body.value?.map((row) => row.principalId)).toEqual([demoGroupId('Privileged Role Approvers')]);
    const scoped = await get(`${ASSIGNMENT}?${filter('directoryScopeId eq null')}`);
    expect([scoped.status, scoped.body.value]).toEqual([200, []]);
    for (const path of [ELIGIBILITY, ASSIGNMENT]) {
      expect((await get(`${path}?${filter(`principalId in ('${debra}')`)}`)).status).toBe(400);
    }
  });

  it('returns only the $select-ed properties (no id), named in @odata.context', async () => {
    // As a real PIM for Groups list answered (microsoft-graph-docs#21378).
    const debra = demoSeedUser('eligibleGlobalAdministrator').id;
    const reply = await get(
      `${ELIGIBILITY}?${filter(`principalId eq '${debra}'`)}&$select=principalId,roleDefinitionId`,
    );
    expect(reply.body).toEqual({
      '@odata.context':
        'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(principalId,roleDefinitionId)',
      value: [{ principalId: debra, roleDefinitionId: GA }],
    });
  });

  it('expands roleDefinition with a nested $select on both instance lists', async () => {
    const group = demoGroupId('Privileged Role Approvers');
    const expand = '$expand=roleDefinition($select=id,displayName,templateId)';
    const reply = await get(`${ELIGIBILITY}?${filter(`principalId eq '${group}'`)}&${expand}`);
    expect(reply.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(roleDefinition(id,displayName,templateId))',
    );
    const role = ROLE_TEMPLATE_IDS.privilegedRoleAdministrator;
    expect(reply.body.value?.[0]?.roleDefinition).toEqual({
      id: role,
      displayName: 'Privileged Role Administrator',
      templateId: role,
    });
    const megan = demoSeedUser('globalAdministrator').id;
    const active = await get(`${ASSIGNMENT}?${filter(`principalId eq '${megan}'`)}&${expand},principal`);
    expect(active.body.value?.[0]).toMatchObject({
      roleDefinition: { displayName: 'Global Administrator' },
      principal: { id: megan },
    });
  });

  it('expands activatedUsing: null for an assignment, the eligibility behind an activation', async () => {
    const debra = demoSeedUser('eligibleGlobalAdministrator').id;
    const megan = demoSeedUser('globalAdministrator').id;
    const seed = structuredClone(demoSeed());
    const hour = 3_600_000;
    seed.roleAssignments.push({
      principalId: debra,
      roleDefinitionId: GA,
      directoryScopeId: '/',
      startDateTime: new Date(Date.now() - hour).toISOString(),
      endDateTime: new Date(Date.now() + hour).toISOString(),
      assignmentType: 'Activated',
    });
    fixture.simulator.reset(seed);
    const [eligibility] =
      (await get(`${ELIGIBILITY}?${filter(`principalId eq '${debra}'`)}`)).body.value ?? [];
    const reply = await get(
      `${ASSIGNMENT}?${filter(`roleDefinitionId eq '${GA}'`)}&$expand=activatedUsing($select=id,roleEligibilityScheduleId),appScope`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleInstances(activatedUsing(id,roleEligibilityScheduleId),appScope())',
    );
    const byPrincipal = new Map((reply.body.value ?? []).map((row) => [row.principalId, row]));
    expect(byPrincipal.get(megan)).toMatchObject({
      assignmentType: 'Assigned',
      activatedUsing: null,
      appScope: null,
    });
    expect(byPrincipal.get(debra)).toMatchObject({
      assignmentType: 'Activated',
      activatedUsing: {
        id: eligibility?.id,
        roleEligibilityScheduleId: eligibility?.roleEligibilityScheduleId,
      },
      appScope: null,
    });
  });

  it('expands the group and the principal of PIM for Groups instances', async () => {
    const miriam = demoSeedUser('pimGroupEligibleMember').id;
    const reply = await get(
      `${PIM_GROUPS}?${filter(`principalId eq '${miriam}'`)}&$expand=group,principal($select=id)`,
    );
    expect(reply.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#identityGovernance/privilegedAccess/group/eligibilityScheduleInstances(group(),principal(id))',
    );
    expect(reply.body.value?.[0]).toMatchObject({
      group: { id: demoGroupId('Exchange Operators'), displayName: 'Exchange Operators' },
      principal: { '@odata.type': '#microsoft.graph.user', id: miriam },
    });
  });

  it('filters PIM for Groups instances on id and eligibilityScheduleId too, eq only on groupId', async () => {
    const miriam = demoSeedUser('pimGroupEligibleMember').id;
    const group = demoGroupId('Exchange Operators');
    const [row] = (await get(`${PIM_GROUPS}?${filter(`groupId eq '${group}'`)}`)).body.value ?? [];
    const byId = await get(`${PIM_GROUPS}?${filter(`groupId eq '${group}' and id eq '${String(row?.id)}'`)}`);
    expect(byId.body.value).toHaveLength(1);
    const bySchedule = await get(
      `${PIM_GROUPS}?${filter(`principalId eq '${miriam}' and eligibilityScheduleId ne '${String(row?.eligibilityScheduleId)}'`)}`,
    );
    expect([bySchedule.status, bySchedule.body.value]).toEqual([200, []]);
    expect(
      (await get(`${PIM_GROUPS}?${filter(`principalId eq '${miriam}' and groupId ne '${group}'`)}`)).status,
    ).toBe(400);
  });
});

describe('the seed format', () => {
  const base = () => structuredClone(demoSeed());

  it('refuses role rows for principals that can’t hold roles, and unknown PIM groups', () => {
    const seed = base();
    seed.roleEligibilities.push({
      principalId: demoGroupId('Treasury Team'),
      roleDefinitionId: GA,
      directoryScopeId: '/',
      startDateTime: null,
      endDateTime: null,
    });
    seed.groupEligibilities.push({
      groupId: '00000000-0000-4000-8000-000000000001',
      principalId: demoSeedUser('ordinaryUser').id,
      accessId: 'member',
      startDateTime: null,
      endDateTime: null,
    });
    expect(() => parseSeed(seed)).toThrow(/neither a user nor a role-assignable group[\s\S]*unknown group/);
  });

  it('refuses a tenant-wide assignment of a role that isn’t activated', () => {
    const seed = base();
    seed.roleAssignments.push({
      principalId: demoSeedUser('ordinaryUser').id,
      roleDefinitionId: EXCHANGE_ADMIN.replace('29232cdf', '29232cd0'),
      directoryScopeId: '/',
      startDateTime: null,
      endDateTime: null,
      assignmentType: 'Activated',
    });
    expect(() => parseSeed(seed)).toThrow(/needs directoryRoles to hold/);
  });
});
