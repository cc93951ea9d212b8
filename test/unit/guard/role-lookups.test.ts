import { type Client, GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { postBatch } from '../../../src/lib/graph/batch';
import { POPULATION_URLS, ROLE_LOOKUP_URLS } from '../../../src/lib/graph/role-lookups';

const ID = '66B022FA-5F4B-45FF-86F2-1AE4037C6F3D';

describe('ROLE_LOOKUP_URLS', () => {
  it('encodes the principal filter, quotes included, from a lower-cased object id', () => {
    expect(ROLE_LOOKUP_URLS.eligibilities(ID)).toBe(
      '/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId%20eq%20%2766b022fa-5f4b-45ff-86f2-1ae4037c6f3d%27',
    );
    expect(ROLE_LOOKUP_URLS.groupEligibilities(ID)).toMatch(
      /^\/identityGovernance\/privilegedAccess\/group\/eligibilityScheduleInstances\?\$filter=principalId%20eq%20%27/,
    );
  });

  it('takes only object ids into a filter (no UPN, no injection)', () => {
    expect(() => ROLE_LOOKUP_URLS.assignments("x' or principalId ne 'y")).toThrow(TypeError);
    expect(() => ROLE_LOOKUP_URLS.activeInstances('adele@contoso.com')).toThrow(TypeError);
  });

  it('reads memberships without advanced-query options, at the largest page', () => {
    expect(ROLE_LOOKUP_URLS.memberships('/users/x')).toBe('/users/x/transitiveMemberOf?$top=999');
  });
});

describe('POPULATION_URLS', () => {
  it('filters the role lists on roleDefinitionId and PIM for Groups on groupId, encoded like the rest', () => {
    expect(POPULATION_URLS.assignmentsOfRole(ID)).toBe(
      '/roleManagement/directory/roleAssignments?$filter=roleDefinitionId%20eq%20%2766b022fa-5f4b-45ff-86f2-1ae4037c6f3d%27',
    );
    expect(POPULATION_URLS.eligibilitiesOfRole(ID)).toMatch(
      /^\/roleManagement\/directory\/roleEligibilityScheduleInstances\?\$filter=roleDefinitionId%20eq%20%27/,
    );
    expect(POPULATION_URLS.activeInstancesOfRole(ID)).toMatch(
      /^\/roleManagement\/directory\/roleAssignmentScheduleInstances\?\$filter=roleDefinitionId%20eq%20%27/,
    );
    expect(POPULATION_URLS.eligibilitiesForGroup(ID)).toBe(
      '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId%20eq%20%2766b022fa-5f4b-45ff-86f2-1ae4037c6f3d%27',
    );
  });

  it('reads groups and members at the largest page, ids only, without advanced-query options', () => {
    expect(POPULATION_URLS.roleAssignableGroups()).toBe(
      '/groups?$filter=isAssignableToRole%20eq%20true&$select=id&$top=999',
    );
    expect(POPULATION_URLS.transitiveMembers(ID)).toBe(
      '/groups/66b022fa-5f4b-45ff-86f2-1ae4037c6f3d/transitiveMembers?$select=id&$top=999',
    );
  });

  it('takes only object ids (no injection into a filter or a path)', () => {
    expect(() => POPULATION_URLS.assignmentsOfRole("x' or roleDefinitionId ne 'y")).toThrow(TypeError);
    expect(() => POPULATION_URLS.eligibilitiesForGroup('x')).toThrow(TypeError);
    expect(() => POPULATION_URLS.transitiveMembers('../users')).toThrow(TypeError);
  });
});

/** A Graph client whose every request answers `response`, recording what was sent. */
function fakeGraph(response: Response) {
  const sent: { url: string; body?: unknown; headers: Record<string, string> }[] = [];
  const request = (url: string) => {
    const headers: Record<string, string> = {};
    const chain = {
      version: () => chain,
      header: (name: string, value: string) => {
        headers[name] = value;
        return chain;
      },
      responseType: () => chain,
      post: (body: unknown) => {
        sent.push({ url, body, headers });
        return Promise.resolve(response);
      },
      get: () => {
        sent.push({ url, headers });
        return Promise.resolve(response);
      },
    };
    return chain;
  };
  return { graph: { api: request } as unknown as Client, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const steps = [
  { id: 'a', method: 'GET' as const, url: '/users/x' },
  { id: 'b', method: 'GET' as const, url: '/users/y' },
];

describe('postBatch', () => {
  it('returns each step’s answer and the batch’s request-id', async () => {
    const { graph, sent } = fakeGraph(
      json(
        200,
        {
          responses: [
            { id: 'b', status: 404, body: { error: { code: 'Request_ResourceNotFound' } } },
            { id: 'a', status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: 'x' } },
          ],
        },
        { 'request-id': 'req-1' },
      ),
    );
    const { requestId, value } = await postBatch(graph, steps, 'client-1');
    expect(requestId).toBe('req-1');
    expect(value.get('a')).toMatchObject({ status: 200, body: { id: 'x' } });
    expect(value.get('b')?.status).toBe(404);
    expect(sent[0]).toMatchObject({
      url: '/$batch',
      body: { requests: steps },
      headers: { 'client-request-id': 'client-1' },
    });
  });

  it.each([
    ['a step missing', [{ id: 'a', status: 200 }]],
    [
      'a step answered twice',
      [
        { id: 'a', status: 200 },
        { id: 'a', status: 200 },
      ],
    ],
    [
      'an answer for a step not sent',
      [
        { id: 'a', status: 200 },
        { id: 'c', status: 200 },
      ],
    ],
  ])('refuses a batch response with %s', async (_name, responses) => {
    const { graph } = fakeGraph(json(200, { responses }));
    await expect(postBatch(graph, steps, 'c')).rejects.toBeInstanceOf(GraphError);
  });

  it('refuses a failed batch with Graph’s status, code, request-id and Retry-After', async () => {
    const { graph } = fakeGraph(
      json(429, { error: { code: 'TooManyRequests' } }, { 'request-id': 'req-9', 'retry-after': '30' }),
    );
    const error: unknown = await postBatch(graph, steps, 'c').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ statusCode: 429, requestId: 'req-9', code: 'TooManyRequests' });
    expect((error as GraphError).headers?.get('retry-after')).toBe('30');
  });

  it('holds 1 to 20 steps', async () => {
    const { graph } = fakeGraph(json(200, { responses: [] }));
    await expect(postBatch(graph, [], 'c')).rejects.toBeInstanceOf(RangeError);
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET' as const, url: '/x' }));
    await expect(postBatch(graph, many, 'c')).rejects.toBeInstanceOf(RangeError);
  });
});
