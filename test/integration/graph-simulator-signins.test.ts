import { setTimeout as delay } from 'node:timers/promises';

import { beforeAll, describe, expect, it } from 'vitest';

import { type GraphVersion, type SignInInput, type SignInSeed, Tenant } from '../../local/graph';
import { graphOpenApiValidator } from '../../local/graph/openapi-validator';
import { DEFAULT_APP_ROLES } from '../../local/identity';
import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { simulatorCall, type SimulatorRequest, useGraphSimulator } from '../support/graph-fixture';

// GET /auditLogs/signIns (and /{id}): filters, order, paging, limits, licence, late events, and
// the /_sim/signins control API with its generator.

const fixture = useGraphSimulator({ resetAfterEach: true });
/** The app's roles plus one that reads conditional access data. */
const readsCa = [...DEFAULT_APP_ROLES, 'Policy.Read.All'];
const adele = demoSeedUser('ordinaryUser');
const megan = demoSeedUser('globalAdministrator');

interface Page {
  '@odata.context'?: string;
  '@odata.nextLink'?: string;
  value: (SignInSeed & { status: { errorCode: number; additionalDetails: string | null } })[];
}

const call = (url: string, init?: SimulatorRequest) => simulatorCall(fixture, url, init);

const list = async (query = '', version: GraphVersion = 'v1.0') => {
  const reply = await call(`/${version}/auditLogs/signIns${query === '' ? '' : `?${query}`}`);
  return { ...reply, page: reply.body as Page };
};
const filter = (text: string) => `$filter=${encodeURIComponent(text)}`;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const errorBody = (body: unknown) => (body as { error: { code: string; message: string } }).error;

/** Follows nextLinks to the end; returns every page. */
async function allPages(first: string): Promise<Page[]> {
  const pages: Page[] = [];
  let url: string | undefined = first;
  while (url !== undefined) {
    const reply = await call(url);
    expect(reply.status).toBe(200);
    const page = reply.body as Page;
    pages.push(page);
    url = page['@odata.nextLink'];
    if (pages.length > 100) throw new Error('too many pages');
  }
  return pages;
}

beforeAll(() => {
  // Throttling has its own test; reset keeps this setting.
  fixture.simulator.setReportsThrottling({ enabled: false });
});

describe('GET /auditLogs/signIns', () => {
  it('lists newest first, in the v1.0 signIn shape (no beta-only properties, no visibleAfter)', async () => {
    fixture.simulator.addSignIns([
      { userId: adele.id, createdDateTime: minutesAgo(30), status: { errorCode: 500121 } },
      {
        userId: megan.id,
        createdDateTime: minutesAgo(10),
        authenticationDetails: [],
        visibleAfter: minutesAgo(20),
      },
      { userId: adele.id, createdDateTime: minutesAgo(20), status: { errorCode: 50074 } },
    ]);
    const { status, page, body } = await list();
    expect(status).toBe(200);
    expect(page['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns');
    const times = page.value.map((event) => event.createdDateTime);
    expect(times).toEqual([...times].sort().reverse());
    expect(page.value.map((event) => event.status.errorCode)).toEqual([0, 50074, 500121]);
    expect(page.value[0]).not.toHaveProperty('authenticationDetails');
    expect(page.value[0]).not.toHaveProperty('visibleAfter');
    expect(page.value[2]?.userPrincipalName).toBe(adele.userPrincipalName.toLowerCase());
    expect(page['@odata.nextLink']).toBeUndefined();
    const outcome = graphOpenApiValidator('v1.0').validateResponse({
      method: 'GET',
      path: '/auditLogs/signIns',
      status: 200,
      body,
    });
    expect(outcome.errors).toEqual([]);
  });

  it('filters on createdDateTime (ge, le, gt, lt) and status/errorCode (eq, ne, or)', async () => {
    // Whole seconds an hour ago: inside the retention, and exact in the filter literals.
    const base = Math.floor(Date.now() / 1000) * 1000 - 60 * 60_000;
    const time = (minute: number) => new Date(base + minute * 60_000).toISOString();
    fixture.simulator.addSignIns(
      [0, 1, 2, 3, 4].map((minute) => ({
        id: `e${minute}`,
        userId: adele.id,
        createdDateTime: time(minute),
        status: { errorCode: [500121, 50074, 0, 50076, 500121][minute] },
      })),
    );
    const ids = async (text: string) => {
      const reply = await list(filter(text));
      expect(reply.status).toBe(200);
      return reply.page.value.map((event) => event.id);
    };
    expect(await ids(`createdDateTime ge ${time(1)} and createdDateTime le ${time(3)}`)).toEqual([
      'e3',
      'e2',
      'e1',
    ]);
    expect(await ids(`createdDateTime gt ${time(1)} and createdDateTime lt ${time(3)}`)).toEqual(['e2']);
    expect(await ids(`createdDateTime eq ${time(4)}`)).toEqual(['e4']);
    expect(await ids('status/errorCode eq 500121')).toEqual(['e4', 'e0']);
    expect(await ids('status/errorCode ne 0')).toEqual(['e4', 'e3', 'e1', 'e0']);
    expect(
      await ids(
        `createdDateTime ge ${time(1)} and (status/errorCode eq 500121 or status/errorCode eq 50074)`,
      ),
    ).toEqual(['e4', 'e1']);
    expect(await ids(`userId eq '${megan.id}'`)).toEqual([]);
    expect(await ids(`startsWith(userPrincipalName, 'adelev')`)).toHaveLength(5);
  });

  it('filters on the collections riskEventTypes_v2 and (beta) conditionalAccessAudiences, matching any item', async () => {
    fixture.simulator.addSignIns([
      {
        id: 'travel',
        userId: adele.id,
        createdDateTime: minutesAgo(2),
        riskEventTypes_v2: ['unlikelyTravel'],
        conditionalAccessAudiences: ['00000003-0000-0000-c000-000000000000'],
      },
      { id: 'plain', userId: adele.id, createdDateTime: minutesAgo(1) },
    ]);
    for (const [text, version] of [
      ["riskEventTypes_v2 eq 'unlikelyTravel'", 'v1.0'],
      ["startsWith(riskEventTypes_v2, 'unlikely')", 'v1.0'],
      ["conditionalAccessAudiences eq '00000003-0000-0000-c000-000000000000'", 'beta'],
    ] as const) {
      const reply = await list(filter(text), version);
      expect(reply.page.value.map((event) => event.id)).toEqual(['travel']);
    }
  });

  it('lists on beta in the beta signIn shape, with the properties v1.0 lacks', async () => {
    fixture.simulator.addSignIns([
      {
        userId: adele.id,
        createdDateTime: minutesAgo(1),
        authenticationRequirement: 'multiFactorAuthentication',
        authenticationMethodsUsed: ['Password', 'Authenticator App'],
        userType: 'member',
      },
    ]);
    const betaOnly = [
      'authenticationDetails',
      'authenticationRequirement',
      'authenticationMethodsUsed',
      'signInEventTypes',
      'mfaDetail',
      'userType',
    ];
    const beta = await list('', 'beta');
    expect(beta.page['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#auditLogs/signIns');
    expect(beta.page.value[0]).toMatchObject({
      authenticationRequirement: 'multiFactorAuthentication',
      authenticationMethodsUsed: ['Password', 'Authenticator App'],
      authenticationDetails: [],
      userType: 'member',
    });
    for (const name of betaOnly) expect(beta.page.value[0]).toHaveProperty(name);
    const outcome = graphOpenApiValidator('beta').validateResponse({
      method: 'GET',
      path: '/auditLogs/signIns',
      status: 200,
      body: beta.body,
    });
    expect(outcome.errors).toEqual([]);
    const v1 = (await list()).page.value[0];
    for (const name of betaOnly) expect(v1).not.toHaveProperty(name);
  });

  it('shows signInStatus as documented: 0 with null reason and details on success, the reason on failure', async () => {
    fixture.simulator.addSignIns([
      { id: 'success', userId: adele.id, createdDateTime: minutesAgo(2) },
      { id: 'password', userId: adele.id, createdDateTime: minutesAgo(1), status: { errorCode: 50126 } },
    ]);
    const status = async (id: string) =>
      ((await call(`/beta/auditLogs/signIns/${id}`)).body as { status: unknown }).status;
    expect(await status('success')).toEqual({ errorCode: 0, failureReason: null, additionalDetails: null });
    expect(await status('password')).toMatchObject({
      errorCode: 50126,
      failureReason: 'Error validating credentials due to invalid username or password.',
    });
  });

  describe('$filter on each property the beta resource page lists', () => {
    const eqOnly = [
      'userId',
      'appId',
      'id',
      'correlationId',
      'resourceId',
      'resourceDisplayName',
      'conditionalAccessStatus',
      'clientAppUsed',
      'riskDetail',
      'riskLevelAggregated',
      'riskLevelDuringSignIn',
      'riskState',
    ];
    const eqOnlyBeta = ['originalRequestId', 'tokenIssuerName', 'conditionalAccessAudiences'];
    const eqStartsWith = [
      'userPrincipalName',
      'userDisplayName',
      'appDisplayName',
      'ipAddress',
      'userAgent',
      'servicePrincipalId',
      'servicePrincipalName',
      'riskEventTypes_v2',
      'location/city',
      'location/state',
      'location/countryOrRegion',
      'deviceDetail/browser',
      'deviceDetail/operatingSystem',
    ];
    const eqStartsWithBeta = ['authenticationRequirement'];
    // A GUID, as userId must be, that also serves as text with the prefix 'abc'.
    const value = 'abc12345-0000-4000-8000-000000000001';
    const event = (): SignInInput => {
      const flat: Record<string, unknown> = {};
      for (const name of [...eqOnly, ...eqOnlyBeta, ...eqStartsWith, ...eqStartsWithBeta]) {
        if (!name.includes('/')) flat[name] = value;
      }
      return {
        ...flat,
        riskEventTypes_v2: ['other', value],
        conditionalAccessAudiences: [value],
        location: { city: value, state: value, countryOrRegion: value },
        deviceDetail: { browser: value, operatingSystem: value },
        createdDateTime: minutesAgo(2),
      };
    };
    const matchedIds = async (text: string, version: GraphVersion) => {
      fixture.simulator.addSignIns([
        event(),
        { id: 'other', userId: adele.id, createdDateTime: minutesAgo(1) },
      ]);
      const reply = await list(filter(text), version);
      return { status: reply.status, ids: reply.status === 200 ? reply.page.value.map((e) => e.id) : [] };
    };

    it.each([
      ...[...eqOnly, ...eqStartsWith].map((name) => [name, 'v1.0'] as const),
      ...[...eqOnlyBeta, ...eqStartsWithBeta].map((name) => [name, 'beta'] as const),
    ])('%s eq (%s)', async (name, version) => {
      expect(await matchedIds(`${name} eq '${value}'`, version)).toEqual({ status: 200, ids: [value] });
    });

    it.each([
      ...eqStartsWith.map((name) => [name, 'v1.0'] as const),
      ...eqStartsWithBeta.map((name) => [name, 'beta'] as const),
    ])('startsWith(%s) (%s)', async (name, version) => {
      expect(await matchedIds(`startsWith(${name}, 'abc')`, version)).toEqual({ status: 200, ids: [value] });
    });

    it.each([
      ...eqOnly.map((name) => [`startsWith(${name}, 'abc')`, 'v1.0'] as const),
      ...eqOnlyBeta.map((name) => [`startsWith(${name}, 'abc')`, 'beta'] as const),
      ...[...eqOnlyBeta, ...eqStartsWithBeta].map((name) => [`${name} eq '${value}'`, 'v1.0'] as const),
    ])('refuses %s (%s): not a documented operator, or not a v1.0 property', async (text, version) => {
      expect((await matchedIds(text, version)).status).toBe(400);
    });
  });

  it.each([
    'status/errorCode in (500121, 50074)',
    'status/errorCode gt 0',
    "createdDateTime ge '2026-11-24T10:00:00Z'",
    'createdDateTime ne 2026-11-24T10:00:00Z',
    "userId ne 'x'",
    "isInteractive eq 'true'",
    "signInEventTypes/any(t: t eq 'nonInteractiveUser')",
    'status/errorCode eq',
  ])('refuses %s with 400 "Invalid filter clause"', async (text) => {
    const reply = await list(filter(text));
    expect(reply.status).toBe(400);
    expect(errorBody(reply.body)).toMatchObject({ code: 'BadRequest', message: 'Invalid filter clause' });
  });

  it('pages to the end with nextLinks that keep $filter and $top, without repeats or gaps', async () => {
    const generated = fixture.simulator.generateSignIns({
      count: 25,
      users: 3,
      errorCodes: [500121, 0],
      since: minutesAgo(120),
      until: minutesAgo(1),
    });
    const failures = generated.byErrorCode['500121'] ?? 0;
    expect(failures).toBeGreaterThan(7);
    const pages = await allPages(`/v1.0/auditLogs/signIns?$top=7&${filter('status/errorCode eq 500121')}`);
    expect(pages.map((page) => page.value.length)).toEqual([
      ...Array<number>(Math.floor(failures / 7)).fill(7),
      ...(failures % 7 === 0 ? [] : [failures % 7]),
    ]);
    const first = pages[0]?.['@odata.nextLink'] ?? '';
    expect(first).toMatch(/^https:\/\/localhost:\d+\/v1\.0\/auditLogs\/signIns\?/);
    expect(new URL(first).searchParams.get('$top')).toBe('7');
    expect(new URL(first).searchParams.get('$filter')).toBe('status/errorCode eq 500121');
    expect(new URL(first).searchParams.get('$skiptoken')).toBeTruthy();
    const events = pages.flatMap((page) => page.value);
    expect(new Set(events.map((event) => event.id)).size).toBe(failures);
    expect(events.every((event) => event.status.errorCode === 500121)).toBe(true);
    const times = events.map((event) => event.createdDateTime);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('orders oldest first with $orderby=createdDateTime asc, paging too', async () => {
    fixture.simulator.generateSignIns({ count: 9, users: 2, since: minutesAgo(60), until: minutesAgo(1) });
    const pages = await allPages('/v1.0/auditLogs/signIns?$top=4&$orderby=createdDateTime%20asc');
    expect(pages.map((page) => page.value.length)).toEqual([4, 4, 1]);
    const times = pages.flatMap((page) => page.value.map((event) => event.createdDateTime));
    expect(times).toEqual([...times].sort());
  });

  it('pages 1,000 events without $top (the default page size)', async () => {
    fixture.simulator.generateSignIns({ count: 1001, users: 3, since: minutesAgo(60), until: minutesAgo(1) });
    const first = await list();
    expect(first.page.value).toHaveLength(1000);
    const next = first.page['@odata.nextLink'] ?? '';
    expect(new URL(next).searchParams.get('$skiptoken')).toBeTruthy();
    expect(((await call(next)).body as Page).value).toHaveLength(1);
  });

  it('orders newest first with $orderby=createdDateTime desc', async () => {
    fixture.simulator.generateSignIns({ count: 9, users: 2, since: minutesAgo(60), until: minutesAgo(1) });
    const pages = await allPages('/v1.0/auditLogs/signIns?$top=4&$orderby=createdDateTime%20desc');
    expect(pages.map((page) => page.value.length)).toEqual([4, 4, 1]);
    const times = pages.flatMap((page) => page.value.map((event) => event.createdDateTime));
    expect(times).toEqual([...times].sort().reverse());
  });

  it('runs the typical detection query on beta: a time window and status/errorCode eq 500121', async () => {
    fixture.simulator.addSignIns([
      { id: 'before', userId: adele.id, createdDateTime: minutesAgo(50), status: { errorCode: 500121 } },
      { id: 'denied', userId: adele.id, createdDateTime: minutesAgo(20), status: { errorCode: 500121 } },
      { id: 'other', userId: adele.id, createdDateTime: minutesAgo(10), status: { errorCode: 50074 } },
    ]);
    const since = minutesAgo(30);
    const reply = await list(filter(`createdDateTime ge ${since} and status/errorCode eq 500121`), 'beta');
    expect(reply.status).toBe(200);
    expect(reply.page.value.map((event) => event.id)).toEqual(['denied']);
  });

  it('reads option names in any casing, and on beta without the $ (top=2&$orderBy=createdDateTime asc)', async () => {
    fixture.simulator.generateSignIns({ count: 5, users: 2, since: minutesAgo(60), until: minutesAgo(1) });
    const pages = await allPages('/beta/auditLogs/signIns?top=2&$orderBy=createdDateTime%20asc');
    expect(pages.map((page) => page.value.length)).toEqual([2, 2, 1]);
    const times = pages.flatMap((page) => page.value.map((event) => event.createdDateTime));
    expect(times).toEqual([...times].sort());
  });

  it.each([
    ['1000', 200],
    ['1', 200],
    ['1001', 400],
    ['0', 400],
    ['ten', 400],
  ])('$top=%s answers %i (1,000 is the maximum)', async (top, expected) => {
    const reply = await list(`$top=${top}`);
    expect(reply.status).toBe(expected);
    if (expected === 400) expect(errorBody(reply.body).code).toBe('BadRequest');
  });

  it('refuses a $skiptoken it did not issue', async () => {
    const reply = await list('$skiptoken=9177f2e3532fcd4c4d225f68f7b9bdf7_1');
    expect(reply.status).toBe(400);
  });

  it('hides events older than the 30-day retention', async () => {
    fixture.simulator.addSignIns([
      { id: 'old', userId: adele.id, createdDateTime: new Date(Date.now() - 31 * 86_400_000).toISOString() },
      {
        id: 'recent',
        userId: adele.id,
        createdDateTime: new Date(Date.now() - 29 * 86_400_000).toISOString(),
      },
    ]);
    expect((await list()).page.value.map((event) => event.id)).toEqual(['recent']);
    expect((await call('/v1.0/auditLogs/signIns/old')).status).toBe(404);
  });

  it('keeps a late event hidden until its visibleAfter, then lists it at its earlier createdDateTime', async () => {
    fixture.simulator.addSignIns([
      { id: 'on-time', userId: adele.id, createdDateTime: minutesAgo(5) },
      {
        id: 'late',
        userId: adele.id,
        createdDateTime: minutesAgo(90),
        visibleAfter: new Date(Date.now() + 400).toISOString(),
      },
    ]);
    expect((await list()).page.value.map((event) => event.id)).toEqual(['on-time']);
    expect((await call('/v1.0/auditLogs/signIns/late')).status).toBe(404);
    await delay(500);
    expect((await list()).page.value.map((event) => event.id)).toEqual(['on-time', 'late']);
    expect((await call('/v1.0/auditLogs/signIns/late')).status).toBe(200);
  });

  it('on v1.0 lists interactive sign-ins only', async () => {
    fixture.simulator.addSignIns([
      { id: 'interactive', userId: adele.id, createdDateTime: minutesAgo(2) },
      { id: 'background', userId: adele.id, createdDateTime: minutesAgo(1), isInteractive: false },
    ]);
    expect((await list()).page.value.map((event) => event.id)).toEqual(['interactive']);
  });

  it('on beta lists interactive sign-ins unless the filter names signInEventTypes', async () => {
    fixture.simulator.addSignIns([
      { id: 'interactive', userId: adele.id, createdDateTime: minutesAgo(2) },
      { id: 'background', userId: adele.id, createdDateTime: minutesAgo(1), isInteractive: false },
    ]);
    expect((await list('', 'beta')).page.value.map((event) => event.id)).toEqual(['interactive']);
    const nonInteractive = await list(filter("signInEventTypes/any(t: t eq 'nonInteractiveUser')"), 'beta');
    expect(nonInteractive.page.value.map((event) => event.id)).toEqual(['background']);
    expect((await list('', 'beta')).page.value[0]).toHaveProperty('signInEventTypes', ['interactiveUser']);
  });

  it.each([
    ["signInEventTypes/any(t: t ne 'interactiveUser')", ['background']],
    ["signInEventTypes/any(i:i eq 'nonInteractiveUser')", ['background']],
    [
      "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')",
      ['background', 'interactive'],
    ],
  ])('on beta filters %s', async (text, expected) => {
    fixture.simulator.addSignIns([
      { id: 'interactive', userId: adele.id, createdDateTime: minutesAgo(2) },
      { id: 'background', userId: adele.id, createdDateTime: minutesAgo(1), isInteractive: false },
    ]);
    const reply = await list(filter(text), 'beta');
    expect(reply.status).toBe(200);
    expect(reply.page.value.map((event) => event.id)).toEqual(expected);
  });

  it("shows nested values with the version's properties: v1.0 without beta's browserId, conditionsSatisfied", async () => {
    fixture.simulator.addSignIns([
      {
        id: 'nested',
        userId: adele.id,
        createdDateTime: minutesAgo(1),
        deviceDetail: { browser: 'Edge 120.0.0', browserId: 'b1' },
        appliedConditionalAccessPolicies: [
          { id: 'p1', displayName: 'Require MFA', result: 'failure', conditionsSatisfied: 'application' },
        ],
      },
    ]);
    const v1 = (await call('/v1.0/auditLogs/signIns/nested', { roles: readsCa })).body as Record<
      string,
      unknown
    >;
    expect(v1.deviceDetail).toEqual({
      browser: 'Edge 120.0.0',
      deviceId: null,
      displayName: null,
      isCompliant: null,
      isManaged: null,
      operatingSystem: null,
      trustType: null,
    });
    expect(v1.appliedConditionalAccessPolicies).toEqual([
      {
        displayName: 'Require MFA',
        enforcedGrantControls: [],
        enforcedSessionControls: [],
        id: 'p1',
        result: 'failure',
      },
    ]);
    const beta = (await call('/beta/auditLogs/signIns/nested', { roles: readsCa })).body as Record<
      string,
      unknown
    >;
    expect(beta.deviceDetail).toMatchObject({ browser: 'Edge 120.0.0', browserId: 'b1' });
    expect(beta.appliedConditionalAccessPolicies).toMatchObject([{ conditionsSatisfied: 'application' }]);
  });

  it('shows each beta authenticationDetails step with all the authenticationDetail properties', async () => {
    const step = { authenticationMethod: 'Password', succeeded: true };
    fixture.simulator.addSignIns([
      { id: 'steps', userId: adele.id, createdDateTime: minutesAgo(1), authenticationDetails: [step] },
    ]);
    const reply = await call('/beta/auditLogs/signIns/steps');
    expect((reply.body as Record<string, unknown>).authenticationDetails).toEqual([
      {
        authenticationMethod: 'Password',
        authenticationMethodDetail: null,
        authenticationStepDateTime: null,
        authenticationStepRequirement: null,
        authenticationStepResultDetail: null,
        succeeded: true,
      },
    ]);
  });

  it('omits appliedConditionalAccessPolicies unless the app may read conditional access data', async () => {
    fixture.simulator.addSignIns([
      {
        id: 'ca',
        userId: adele.id,
        createdDateTime: minutesAgo(1),
        appliedConditionalAccessPolicies: [{ id: 'p1', displayName: 'Require MFA', result: 'failure' }],
      },
    ]);
    expect((await list()).page.value[0]).not.toHaveProperty('appliedConditionalAccessPolicies');
    for (const role of [
      'Policy.Read.All',
      'Policy.Read.ConditionalAccess',
      'Policy.ReadWrite.ConditionalAccess',
    ]) {
      const reply = await call('/beta/auditLogs/signIns/ca', { roles: ['AuditLog.Read.All', role] });
      expect(reply.body).toMatchObject({ appliedConditionalAccessPolicies: [{ id: 'p1' }] });
    }
  });

  it('on beta shows the documented collections the subset leaves untyped as [], not null', async () => {
    fixture.simulator.addSignIns([{ userId: adele.id, createdDateTime: minutesAgo(1) }]);
    const [event] = (await list('', 'beta')).page.value;
    expect(event).toMatchObject({
      appliedEventListeners: [],
      authenticationContextClassReferences: [],
      sessionLifetimePolicies: [],
      privateLinkDetails: null,
    });
  });

  it('serves $select with the context URL naming the properties', async () => {
    fixture.simulator.addSignIns([{ userId: adele.id, createdDateTime: minutesAgo(1) }]);
    const reply = await list('$select=id,status,createdDateTime');
    expect(reply.page['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns(id,status,createdDateTime)',
    );
    expect(Object.keys(reply.page.value[0] ?? {})).toEqual(['id', 'status', 'createdDateTime']);
    expect((await list('$select=nope')).status).toBe(400);
  });

  it('gets one event by id, 404 for an unknown one', async () => {
    const [event] = fixture.simulator.addSignIns([{ userId: megan.id, status: { errorCode: 50076 } }]);
    const reply = await call(`/v1.0/auditLogs/signIns/${event?.id ?? ''}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns/$entity',
      id: event?.id,
      userId: megan.id,
      status: { errorCode: 50076 },
    });
    expect((await call('/v1.0/auditLogs/signIns/nope')).status).toBe(404);
  });

  it.each(['/v1.0/auditLogs/signIns', '/beta/auditLogs/signIns/anything'])(
    "answers the reports service's 403 to %s without AuditLog.Read.All",
    async (path) => {
      fixture.identity.setRoles(['User.Read.All', 'Directory.Read.All']);
      const token = fixture.identity.mintToken().accessToken;
      const response = await fetch(`${fixture.simulator.url}${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(403);
      expect(errorBody(await response.json())).toMatchObject({
        code: 'Authentication_MSGraphPermissionMissing',
        message: 'Calling principal does not have required MSGraph permissions AuditLog.Read.All',
      });
    },
  );

  it('serves list and get with AuditLog.Read.All alone (the only permission the docs list)', async () => {
    const [event] = fixture.simulator.addSignIns([{ userId: adele.id, createdDateTime: minutesAgo(1) }]);
    const roles = ['AuditLog.Read.All'];
    expect((await call('/v1.0/auditLogs/signIns', { roles })).status).toBe(200);
    const one = await call(`/beta/auditLogs/signIns/${event?.id ?? ''}`, { roles });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      '@odata.context': 'https://graph.microsoft.com/beta/$metadata#auditLogs/signIns/$entity',
      id: event?.id,
    });
  });

  it('shows the P2 risk details as hidden to a tenant without P2', async () => {
    const event = {
      id: 'risky',
      userId: adele.id,
      createdDateTime: minutesAgo(1),
      riskLevelDuringSignIn: 'medium',
    };
    fixture.simulator.addSignIns([event]);
    const risk = (body: unknown) => {
      const { riskDetail, riskLevelAggregated, riskLevelDuringSignIn, riskState } = body as Record<
        string,
        unknown
      >;
      return { riskDetail, riskLevelAggregated, riskLevelDuringSignIn, riskState };
    };
    expect(risk((await list()).page.value[0])).toEqual({
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'medium',
      riskState: 'none',
    });
    const seed = structuredClone(demoSeed());
    seed.licences = { p1: true, p2: false };
    fixture.simulator.reset(seed);
    fixture.simulator.addSignIns([event]);
    const hidden = { riskDetail: 'hidden', riskLevelAggregated: 'hidden', riskLevelDuringSignIn: 'hidden' };
    expect(risk((await list('', 'beta')).page.value[0])).toEqual({ ...hidden, riskState: 'none' });
    expect(risk((await call('/v1.0/auditLogs/signIns/risky')).body)).toEqual({
      ...hidden,
      riskState: 'none',
    });
  });

  it('answers the licence 403 in a tenant without P1 or P2', async () => {
    const seed = structuredClone(demoSeed());
    seed.licences = { p1: false, p2: false };
    fixture.simulator.reset(seed);
    const reply = await list();
    expect(reply.status).toBe(403);
    expect(errorBody(reply.body)).toMatchObject({
      code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      message: "Neither tenant is B2C or tenant doesn't have premium license",
    });
    seed.licences = { p1: true, p2: false };
    fixture.simulator.reset(seed);
    expect((await list()).status).toBe(200);
  });
});

describe('reports throttling', () => {
  it('lets 5 requests through per window, then answers 429 with Retry-After until the window passes', async () => {
    fixture.simulator.setReportsThrottling({ enabled: true, requests: 5, windowMs: 400 });
    try {
      for (let i = 0; i < 5; i += 1) expect((await list()).status).toBe(200);
      const throttled = await call(`/v1.0/auditLogs/signIns/anything`);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(errorBody(throttled.body).code).toBe('UnknownError');
      expect(errorBody(throttled.body).message).toMatch(/^This request is throttled\./);
      await delay(450);
      expect((await list()).status).toBe(200);
      // Other routes aren't counted.
      expect((await call(`/v1.0/users/${adele.id}`)).status).toBe(200);
    } finally {
      fixture.simulator.setReportsThrottling({ enabled: false });
    }
  });

  it('counts each batch step: the sixth sign-in read in one batch answers 429 with its Retry-After', async () => {
    // json-batching doc: steps are evaluated against their own service's limits, 429 when over.
    fixture.simulator.setReportsThrottling({ enabled: true });
    try {
      const requests = Array.from({ length: 6 }, (_, i) => ({
        id: String(i + 1),
        method: 'GET',
        url: '/auditLogs/signIns?$top=1',
      }));
      const reply = await call('/v1.0/$batch', { method: 'POST', body: { requests } });
      expect(reply.status).toBe(200);
      const responses = (
        reply.body as { responses: { id: string; status: number; headers: Record<string, string> }[] }
      ).responses;
      expect(responses.map((step) => step.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(Number(responses[5]?.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    } finally {
      fixture.simulator.setReportsThrottling({ enabled: false });
    }
  });

  it("is on by default with Graph's 5 per 10 s, and configured over the control API", async () => {
    expect(new Tenant(demoSeed()).reportsThrottle.current()).toEqual({
      enabled: true,
      requests: 5,
      windowMs: 10_000,
    });
    const current = await call('/_sim/throttling', { auth: false });
    const authenticationMethods = { enabled: false, requests: 5, windowMs: 10_000 };
    expect(current.body).toEqual({
      reports: { enabled: false, requests: 5, windowMs: 10_000 },
      authenticationMethods,
      directory: fixture.simulator.directoryThrottling(),
    });
    const changed = await call('/_sim/throttling', {
      method: 'POST',
      auth: false,
      body: { reports: { requests: 2, windowMs: 5000 } },
    });
    try {
      expect(changed.body).toEqual({
        reports: { enabled: true, requests: 2, windowMs: 5000 },
        authenticationMethods,
        directory: fixture.simulator.directoryThrottling(),
      });
      expect((await list()).status).toBe(200);
      expect((await list()).status).toBe(200);
      const throttled = await list();
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    } finally {
      fixture.simulator.setReportsThrottling({ enabled: false });
    }
  });
});

describe('control API: /_sim/signins', () => {
  it('adds signIn resources, defaulting what is missing from the tenant and the error code', async () => {
    const before = Date.now();
    const reply = await call('/_sim/signins', {
      method: 'POST',
      auth: false,
      body: [
        {
          userPrincipalName: adele.userPrincipalName,
          status: { errorCode: 500121, additionalDetails: 'MFA denied; user declined the authentication' },
        },
      ],
    });
    expect(reply.status).toBe(201);
    const [event] = (reply.body as { value: Page['value'] }).value;
    expect(event).toMatchObject({
      userId: adele.id,
      userPrincipalName: adele.userPrincipalName.toLowerCase(),
      userDisplayName: adele.displayName,
      status: {
        errorCode: 500121,
        failureReason: 'Authentication failed during strong authentication request.',
        additionalDetails: 'MFA denied; user declined the authentication',
      },
      isInteractive: true,
    });
    expect(event?.id).toMatch(/^[0-9a-f-]{36}$/);
    // Stamped while the request was handled (allowing for a timestamp truncated to the second).
    const created = Date.parse(event?.createdDateTime ?? '');
    expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(created).toBeLessThanOrEqual(Date.now());
    expect((await list()).page.value.map((listed) => listed.id)).toEqual([event?.id]);
  });

  it("stores a guest's UPN as the log does: lower case, the home UPN rather than the #EXT# form", async () => {
    const guest = demoSeedUser('guest');
    fixture.simulator.addSignIns([{ userId: guest.id, createdDateTime: minutesAgo(2) }]);
    fixture.simulator.generateSignIns({ count: 1, users: [guest.id], until: minutesAgo(1) });
    const reply = await list(filter("userPrincipalName eq 'lidia.holloway@fabrikam.com'"));
    expect(reply.page.value.map((event) => event.userPrincipalName)).toEqual([
      'lidia.holloway@fabrikam.com',
      'lidia.holloway@fabrikam.com',
    ]);
  });

  it('refuses events without a user or with a bad time, listing each problem', async () => {
    const reply = await call('/_sim/signins', {
      method: 'POST',
      auth: false,
      body: [{ status: { errorCode: 0 } }, { userId: adele.id, createdDateTime: 'yesterday' }],
    });
    expect(reply.status).toBe(400);
    expect(errorBody(reply.body).message).toMatch(
      /\[0\].*userId or a userPrincipalName[\s\S]*\[1\]\.createdDateTime/,
    );
    expect(
      (await call('/_sim/signins', { method: 'POST', auth: false, body: { not: 'an array' } })).status,
    ).toBe(400);
  });

  it('generates N events across M users with a mix of codes and 500121 details, the same for the same spec', async () => {
    const spec = { count: 300, users: 20, seed: 7, since: minutesAgo(60), until: minutesAgo(1) };
    const generated = await call('/_sim/signins/generate', { method: 'POST', auth: false, body: spec });
    expect(generated.status).toBe(201);
    expect(generated.body).toMatchObject({ count: 300, users: 20, since: spec.since, until: spec.until });
    const first = (await allPages('/v1.0/auditLogs/signIns')).flatMap((page) => page.value);
    expect(first).toHaveLength(300);
    expect(new Set(first.map((event) => event.userId)).size).toBe(20);
    expect(new Set(first.map((event) => event.status.errorCode))).toEqual(new Set([500121, 50074, 50076, 0]));
    const details = new Set(
      first.filter((e) => e.status.errorCode === 500121).map((e) => e.status.additionalDetails),
    );
    expect(details).toEqual(
      new Set([
        'MFA denied; user declined the authentication',
        'MFA denied; Phone App Reported Fraud',
        'MFA denied; user did not respond to mobile app notification',
      ]),
    );

    fixture.simulator.reset();
    fixture.simulator.generateSignIns(spec);
    const again = (await allPages('/v1.0/auditLogs/signIns')).flatMap((page) => page.value);
    expect(again).toEqual(first);

    fixture.simulator.reset();
    fixture.simulator.generateSignIns({ ...spec, seed: 8 });
    const other = (await allPages('/v1.0/auditLogs/signIns')).flatMap((page) => page.value);
    expect(other.map((event) => event.userId)).not.toEqual(first.map((event) => event.userId));
  });

  it('generates for seeded users by id or UPN, and refuses unknown ones', () => {
    const summary = fixture.simulator.generateSignIns({
      count: 4,
      users: [adele.userPrincipalName, megan.id],
      errorCodes: [50074],
    });
    expect(summary).toMatchObject({ count: 4, users: 2, byErrorCode: { '50074': 4 } });
    expect(() =>
      fixture.simulator.generateSignIns({ count: 1, users: ['nobody@contoso.onmicrosoft.com'] }),
    ).toThrow(/no user/);
  });

  // How fast is for `npm run bench`; this checks a large log still pages and filters correctly.
  it('pages a filtered slice deep inside 100,000 events over 5,000 users', async () => {
    const bound = minutesAgo(12 * 60);
    const summary = fixture.simulator.generateSignIns({
      count: 100_000,
      users: 5000,
      seed: 3,
      since: minutesAgo(24 * 60),
      until: minutesAgo(1),
    });
    expect(summary).toMatchObject({ count: 100_000, users: 5000 });
    const reply = await list(
      `$top=1000&${filter(`createdDateTime le ${bound} and status/errorCode eq 500121`)}`,
    );
    expect(reply.status).toBe(200);
    const next = await call(reply.page['@odata.nextLink'] ?? '');
    const events = [...reply.page.value, ...(next.body as Page).value];
    expect(events).toHaveLength(2000);
    for (const event of events) {
      expect(event.status.errorCode).toBe(500121);
      expect(Date.parse(event.createdDateTime)).toBeLessThanOrEqual(Date.parse(bound));
    }
    const times = events.map((event) => Date.parse(event.createdDateTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
