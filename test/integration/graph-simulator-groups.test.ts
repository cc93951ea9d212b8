import { describe, expect, it } from 'vitest';

import { demoGroupId, demoSeed, demoSeedUser } from '../support/demo-tenant';
import {
  simulatorCall,
  simulatorGet,
  type SimulatorReply,
  useGraphSimulator,
} from '../support/graph-fixture';
import { odataErrorProblems, v1Schemas } from '../support/graph-schemas';

// The simulator's group reads for the lockout scan's protected population (routes/groups.ts,
// routes/group-transitive-members.ts):
// GET /groups and GET /groups/{id}/transitiveMembers. Neither path is in Microsoft's OpenAPI
// subsets, so their items are checked here against the subset's group, user and directoryObject
// schemas, and their rules against the doc pages (group-list, group-list-transitivemembers).

const fixture = useGraphSimulator({ resetAfterEach: true });

const get = (path: string, options?: Parameters<typeof simulatorGet>[2]) =>
  simulatorGet(fixture, path, options);

const schemaErrors = (schema: string, items: readonly unknown[] | undefined) =>
  (items ?? []).flatMap((item) => v1Schemas.validateSchema(`microsoft.graph.${schema}`, item).errors);
const EVENTUAL = { ConsistencyLevel: 'eventual' };
const ROLE_ASSIGNABLE = demoSeed()
  .groups.filter((group) => group.isAssignableToRole)
  .map((group) => group.id);

describe('GET /groups', () => {
  it('lists every group with its default properties, no @odata.type per item', async () => {
    const reply = await get('/v1.0/groups');
    expect(reply.status).toBe(200);
    expect(reply.body['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#groups');
    expect(reply.body.value?.map((group) => group.id)).toEqual(demoSeed().groups.map((group) => group.id));
    expect(reply.body.value?.[0]).not.toHaveProperty('@odata.type');
    expect(schemaErrors('group', reply.body.value)).toEqual([]);
  });

  it('filters on isAssignableToRole eq true without advanced-query parameters, with $select', async () => {
    const reply = await get('/beta/groups?$filter=isAssignableToRole%20eq%20true&$select=id&$top=999');
    expect(reply.status).toBe(200);
    expect(reply.body['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#groups(id)');
    expect(reply.body.value).toEqual(ROLE_ASSIGNABLE.map((id) => ({ id })));
    expect(ROLE_ASSIGNABLE.length).toBeGreaterThan(1);
  });

  it('filters with in wherever eq works, without advanced-query parameters (aad-advanced-queries)', async () => {
    const wanted = [demoGroupId('Treasury Team'), demoGroupId('All Staff')];
    const reply = await get(
      `/v1.0/groups?$filter=${encodeURIComponent(`id in ('${wanted.join("','")}')`)}&$select=id`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.value?.map((group) => group.id).sort()).toEqual([...wanted].sort());
  });

  it('searches displayName with ConsistencyLevel, and answers $search without it with the documented 400', async () => {
    const query = '/v1.0/groups?$search=%22displayName:treasury%22';
    const refused = await get(query);
    expect([refused.status, refused.body.error?.code, refused.body.error?.message]).toEqual([
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    ]);
    const found = await get(query, { headers: EVENTUAL });
    expect(found.body.value?.map((group) => group.id)).toEqual([demoGroupId('Treasury Team')]);
  });

  it('sorts by displayName by default, and with $filter only as an advanced query', async () => {
    const names = demoSeed()
      .groups.map((group) => group.displayName)
      .sort((a, b) => a.localeCompare(b));
    const desc = await get('/v1.0/groups?$orderby=displayName%20desc&$select=displayName');
    expect(desc.body.value?.map((group) => group.displayName)).toEqual([...names].reverse());
    const filtered = '/v1.0/groups?$orderby=displayName&$filter=isAssignableToRole%20eq%20true';
    const refused = await get(filtered);
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'Request_UnsupportedQuery']);
    const advanced = await get(`${filtered}&$count=true`, { headers: EVENTUAL });
    expect(advanced.body.value).toHaveLength(ROLE_ASSIGNABLE.length);
  });

  it('wants ConsistencyLevel and $count=true for ne, and refuses properties it can’t filter', async () => {
    const ne = await get('/v1.0/groups?$filter=isAssignableToRole%20ne%20true');
    expect([ne.status, ne.body.error?.code]).toEqual([400, 'Request_UnsupportedQuery']);
    const advanced = await get('/v1.0/groups?$count=true&$filter=isAssignableToRole%20ne%20true', {
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(advanced.body.value).toHaveLength(demoSeed().groups.length - ROLE_ASSIGNABLE.length);
    const unknown = await get('/v1.0/groups?$filter=visibility%20eq%20%27Private%27');
    expect([unknown.status, unknown.body.error?.code]).toEqual([400, 'Request_UnsupportedQuery']);
    expect([...odataErrorProblems(ne.body), ...odataErrorProblems(unknown.body)]).toEqual([]);
  });

  it('pages at $top with an @odata.nextLink, and refuses $top over 999', async () => {
    const first = await get('/v1.0/groups?$filter=isAssignableToRole%20eq%20true&$top=3');
    const next = String(first.body['@odata.nextLink']);
    expect(next.startsWith(`https://localhost:${fixture.simulator.port}/v1.0/groups?`)).toBe(true);
    const second = await get(next);
    expect([...(first.body.value ?? []), ...(second.body.value ?? [])].map((group) => group.id)).toEqual(
      ROLE_ASSIGNABLE,
    );
    expect(second.body['@odata.nextLink']).toBeUndefined();
    expect((await get('/v1.0/groups?$top=1000')).status).toBe(400);
  });

  it('counts with ConsistencyLevel and $count=true (first page only), and ignores $count=true without', async () => {
    const query = '/v1.0/groups?$count=true&$top=2';
    const counted = await get(query, { headers: EVENTUAL });
    expect(counted.body['@odata.count']).toBe(demoSeed().groups.length);
    const next = await get(String(counted.body['@odata.nextLink']), { headers: EVENTUAL });
    expect(next.body).not.toHaveProperty('@odata.count');
    expect(await get(query)).not.toHaveProperty(['body', '@odata.count']);
  });

  it('answers /groups/$count as text/plain with ConsistencyLevel, and 400 without it', async () => {
    const count = await simulatorCall(fixture, '/v1.0/groups/$count', { headers: EVENTUAL });
    expect([count.status, count.headers.get('content-type'), count.body]).toEqual([
      200,
      'text/plain',
      demoSeed().groups.length,
    ]);
    const without = await get('/v1.0/groups/$count');
    expect([without.status, without.body.error?.code, without.body.error?.message]).toEqual([
      400,
      'Request_BadRequest',
      '$count is not currently supported.',
    ]);
    expect(odataErrorProblems(without.body)).toEqual([]);
  });

  it('answers 403 to an app without a group read permission', async () => {
    const reply = await get('/v1.0/groups', { roles: ['User.Read.All'] });
    expect(reply.status).toBe(403);
    expect(odataErrorProblems(reply.body)).toEqual([]);
  });
});

describe('GET /groups/{id}/transitiveMembers', () => {
  it('lists users and groups through nesting, each with its @odata.type', async () => {
    const reply = await get(`/v1.0/groups/${demoGroupId('Payment Approvers')}/transitiveMembers`);
    expect(reply.status).toBe(200);
    expect(reply.body.value?.map((item) => [item['@odata.type'], item.id])).toEqual([
      ['#microsoft.graph.group', demoGroupId('Treasury Team')],
      ['#microsoft.graph.user', demoSeedUser('protectedGroupMember').id],
    ]);
    expect(reply.body.value?.[1]).toMatchObject({
      userPrincipalName: demoSeedUser('protectedGroupMember').userPrincipalName,
    });
    expect([
      ...schemaErrors('group', reply.body.value?.slice(0, 1)),
      ...schemaErrors('user', reply.body.value?.slice(1)),
    ]).toEqual([]);
  });

  it('keeps only id (and the type) with $select=id, and pages at $top', async () => {
    const group = demoGroupId('All Staff');
    const first = await get(`/v1.0/groups/${group}/transitiveMembers?$select=id&$top=4`);
    expect(first.body.value?.[0]).toEqual({
      '@odata.type': '#microsoft.graph.group',
      id: demoGroupId('Sales and Marketing'),
    });
    const items = [...(first.body.value ?? [])];
    for (let next = first.body['@odata.nextLink']; typeof next === 'string';) {
      const page = await get(next);
      items.push(...(page.body.value ?? []));
      next = page.body['@odata.nextLink'];
    }
    const ids = items.map((item) => item.id);
    // All Staff nests Sales and Marketing: its members come through too, each once.
    expect(ids).toHaveLength(9);
    expect(new Set(ids).size).toBe(9);
    expect(ids).toContain(demoSeedUser('dollarUser').id);
    expect(schemaErrors('directoryObject', first.body.value)).toEqual([]);
  });

  it('names $select in the context, counts with the advanced-query parameters, and answers /$count', async () => {
    const path = `/v1.0/groups/${demoGroupId('Payment Approvers')}/transitiveMembers`;
    const reply = await get(`${path}?$select=id&$count=true`, { headers: EVENTUAL });
    expect(reply.body).toMatchObject({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects(id)',
      '@odata.count': 2,
    });
    const count = await simulatorCall(fixture, `${path}/$count`, { headers: EVENTUAL });
    expect([count.status, count.body]).toEqual([200, 2]);
    expect((await get(`${path}/$count`)).status).toBe(400);
  });

  it('costs 5 resource units, less with $select and a $top under 20 (throttling-limits doc)', async () => {
    const path = `/v1.0/groups/${demoGroupId('Payment Approvers')}/transitiveMembers`;
    const units = async (query: string) =>
      (await simulatorCall(fixture, `${path}${query}`)).headers.get('x-ms-resource-unit');
    expect([await units(''), await units('?$select=id'), await units('?$select=id&$top=5')]).toEqual([
      '5',
      '4',
      '3',
    ]);
    const groups = await simulatorCall(fixture, '/v1.0/groups?$select=id');
    expect(groups.headers.get('x-ms-resource-unit')).toBe('1');
  });

  it('casts to users or groups as an advanced query only, without @odata.type per item', async () => {
    const path = `/v1.0/groups/${demoGroupId('Payment Approvers')}/transitiveMembers/microsoft.graph.user`;
    const refused = await get(path);
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'Request_UnsupportedQuery']);
    const users = await get(`${path}?$count=true&$select=id`, { headers: EVENTUAL });
    expect(users.body).toEqual({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id)',
      '@odata.count': 1,
      value: [{ id: demoSeedUser('protectedGroupMember').id }],
    });
    const groups = await get(path.replace('microsoft.graph.user', 'microsoft.graph.group') + '?$count=true', {
      headers: EVENTUAL,
    });
    expect(groups.body.value?.map((group) => group.id)).toEqual([demoGroupId('Treasury Team')]);
    expect(schemaErrors('group', groups.body.value)).toEqual([]);
  });

  it('gives users as limited objects to an app that may read groups but not users', async () => {
    const reply = await get(`/v1.0/groups/${demoGroupId('Treasury Team')}/transitiveMembers`, {
      roles: ['GroupMember.Read.All'],
    });
    expect(reply.body.value?.[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      id: demoSeedUser('protectedGroupMember').id,
      userPrincipalName: null,
    });
  });

  it('answers 404 for an unknown group, 400 for a key that is no GUID, 403 without a group read permission', async () => {
    const missing = await get('/v1.0/groups/00000000-0000-0000-0000-000000000001/transitiveMembers');
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'Request_ResourceNotFound']);
    const byName = await get('/v1.0/groups/Treasury%20Team/transitiveMembers');
    expect([byName.status, byName.body.error?.code, byName.body.error?.message]).toEqual([
      400,
      'Request_BadRequest',
      "Invalid object identifier 'Treasury Team'.",
    ]);
    const refused = await get(`/v1.0/groups/${demoGroupId('Treasury Team')}/transitiveMembers`, {
      roles: ['User.Read.All'],
    });
    expect(refused.status).toBe(403);
    expect([...odataErrorProblems(missing.body), ...odataErrorProblems(refused.body)]).toEqual([]);
  });

  it('runs as a $batch step', async () => {
    const response = await fetch(`${fixture.simulator.url}/v1.0/$batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fixture.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        requests: [
          {
            id: 'm',
            method: 'GET',
            url: `/groups/${demoGroupId('Treasury Team')}/transitiveMembers?$select=id`,
          },
          { id: 'g', method: 'GET', url: '/groups?$filter=isAssignableToRole%20eq%20true&$select=id' },
        ],
      }),
    });
    const body = (await response.json()) as {
      responses: { id: string; status: number; body: SimulatorReply['body'] }[];
    };
    const byId = new Map(body.responses.map((step) => [step.id, step]));
    expect(byId.get('m')?.body.value?.map((item) => item.id)).toEqual([
      demoSeedUser('protectedGroupMember').id,
    ]);
    expect(byId.get('g')?.body.value).toHaveLength(ROLE_ASSIGNABLE.length);
  });
});
