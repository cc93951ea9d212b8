import { beforeAll, describe, expect, it } from 'vitest';

import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { simulatorCall, type SimulatorRequest, useGraphSimulator } from '../support/graph-fixture';

// GET /auditLogs/directoryAudits: shape, the filter the watch sends, paging, retention, errors;
// registrations recorded by the method routes and by POST /_sim/registrations.

const fixture = useGraphSimulator({ resetAfterEach: true });
const adele = demoSeedUser('ordinaryUser');
const megan = demoSeedUser('globalAdministrator');

interface Audit {
  id: string;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  category: string;
  result: string;
  initiatedBy: { user: { id: string; ipAddress: string | null } | null; app: { appId: string } | null };
  targetResources: { id: string; type: string; userPrincipalName: string | null }[];
  additionalDetails: { key: string; value: string }[];
}
interface Page {
  '@odata.context'?: string;
  '@odata.nextLink'?: string;
  value: Audit[];
}

const call = (url: string, init?: SimulatorRequest) => simulatorCall(fixture, url, init);
const list = async (query = '') => {
  const reply = await call(`/v1.0/auditLogs/directoryAudits${query === '' ? '' : `?${query}`}`);
  return { ...reply, page: reply.body as Page };
};
const filter = (text: string) => `$filter=${encodeURIComponent(text)}`;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const register = (user: string, ipAddress: string, at: string, countryOrRegion = 'NG') =>
  call('/_sim/registrations', {
    method: 'POST',
    body: { user, ipAddress, countryOrRegion, at },
    auth: false,
  });
const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

beforeAll(() => {
  fixture.simulator.setReportsThrottling({ enabled: false });
});

describe('POST /_sim/registrations', () => {
  it('signs in with the TAP from the address, registers an Authenticator and audits it', async () => {
    const at = minutesAgo(10);
    const reply = await register(adele.userPrincipalName, '192.0.2.44', at);
    expect(reply.status).toBe(201);
    const { methodId } = reply.body as { methodId: string };
    const methods = await call(`/v1.0/users/${adele.id}/authentication/microsoftAuthenticatorMethods`);
    expect((methods.body as { value: { id: string }[] }).value.map((method) => method.id)).toContain(
      methodId,
    );
    const signIns = await call(`/v1.0/auditLogs/signIns?${filter(`userId eq '${adele.id}'`)}`);
    const signInList = (signIns.body as { value: unknown[] }).value;
    expect(signInList).toHaveLength(1);
    expect(signInList).toMatchObject([
      { ipAddress: '192.0.2.44', location: { countryOrRegion: 'NG' }, status: { errorCode: 0 } },
    ]);
    const { page } = await list();
    expect(page.value).toHaveLength(1);
    expect(page.value).toMatchObject([
      {
        activityDisplayName: 'User registered security info',
        activityDateTime: at,
        category: 'UserManagement',
        loggedByService: 'Authentication Methods',
        result: 'success',
        initiatedBy: { user: { id: adele.id, ipAddress: '192.0.2.44' }, app: null },
        targetResources: [{ id: adele.id, type: 'User' }],
      },
    ]);
  });

  it('refuses an unknown user or a body without an address', async () => {
    expect((await register('nobody@contoso.example', '192.0.2.1', minutesAgo(1))).status).toBe(400);
    const reply = await call('/_sim/registrations', {
      method: 'POST',
      body: { user: adele.id },
      auth: false,
    });
    expect(reply.status).toBe(400);
  });
});

describe('GET /auditLogs/directoryAudits', () => {
  it("audits the app's own TAP as an admin registration, which the watch's filter leaves out", async () => {
    const created = await call(`/v1.0/users/${adele.id}/authentication/temporaryAccessPassMethods`, {
      method: 'POST',
      body: {},
    });
    expect(created.status).toBe(201);
    const { page } = await list();
    expect(page.value).toHaveLength(1);
    expect(page.value).toMatchObject([
      {
        activityDisplayName: 'Admin registered security info',
        initiatedBy: { user: null, app: { appId: fixture.identity.clientId } },
        targetResources: [{ id: adele.id }],
      },
    ]);
    const watched = await list(filter("activityDisplayName eq 'User registered security info'"));
    expect(watched.page.value).toEqual([]);
  });

  it('answers the filter the watch sends: the window, the service, the activity, the user', async () => {
    await register(adele.id, '192.0.2.44', minutesAgo(50));
    await register(adele.id, '192.0.2.45', minutesAgo(20));
    await register(megan.id, '192.0.2.46', minutesAgo(19));
    const clauses = [
      `activityDateTime ge ${minutesAgo(30)}`,
      `activityDateTime le ${minutesAgo(0)}`,
      "loggedByService eq 'Authentication Methods'",
      "activityDisplayName eq 'User registered security info'",
    ];
    const window = await list(filter(clauses.join(' and ')));
    expect(window.status).toBe(200);
    expect(window.page.value.map((audit) => audit.initiatedBy.user?.ipAddress)).toEqual([
      '192.0.2.46',
      '192.0.2.45',
    ]);
    const mine = await list(filter([...clauses, `initiatedBy/user/id eq '${adele.id}'`].join(' and ')));
    expect(mine.page.value.map((audit) => audit.initiatedBy.user?.ipAddress)).toEqual(['192.0.2.45']);
    const prefix = await list(filter("startswith(activityDisplayName, 'user registered')"));
    expect(prefix.page.value).toHaveLength(3);
  });

  it('pages newest first with a nextLink that repeats the query', async () => {
    for (const minutes of [30, 20, 10]) await register(adele.id, `192.0.2.${minutes}`, minutesAgo(minutes));
    const first = await list('$top=2');
    expect(first.page.value.map((audit) => audit.initiatedBy.user?.ipAddress)).toEqual([
      '192.0.2.10',
      '192.0.2.20',
    ]);
    const next = first.page['@odata.nextLink'];
    expect(next).toMatch(/\$top=2&\$skiptoken=/);
    const second = await call(next ?? '');
    expect((second.body as Page).value.map((audit) => audit.initiatedBy.user?.ipAddress)).toEqual([
      '192.0.2.30',
    ]);
    expect((second.body as Page)['@odata.nextLink']).toBeUndefined();
    expect((await list('$skiptoken=bm9wZQ')).status).toBe(400);
  });

  it('keeps 30 days with P1 or P2 and 7 without', async () => {
    await register(adele.id, '192.0.2.1', minutesAgo(10 * 24 * 60));
    expect((await list()).page.value).toHaveLength(1);
    fixture.simulator.reset({ ...structuredClone(demoSeed()), licences: { p1: false, p2: false } });
    await register(adele.id, '192.0.2.1', minutesAgo(10 * 24 * 60));
    await register(adele.id, '192.0.2.2', minutesAgo(6 * 24 * 60));
    const { status, page } = await list();
    // Audit logs come with every edition: no licence error.
    expect(status).toBe(200);
    expect(page.value.map((audit) => audit.initiatedBy.user?.ipAddress)).toEqual(['192.0.2.2']);
  });

  it.each([
    ['an `or`', "loggedByService eq 'a' or loggedByService eq 'b'"],
    ['a quoted time', "activityDateTime ge '2026-01-01T00:00:00Z'"],
    ['gt on the time', 'activityDateTime gt 2026-01-01T00:00:00Z'],
    ['a property it cannot filter', "operationType eq 'Add'"],
    ['startswith on an eq-only property', "startswith(loggedByService, 'Auth')"],
  ])('refuses %s with 400 Invalid filter clause', async (_, text) => {
    const reply = await list(filter(text));
    expect(reply.status).toBe(400);
    expect(errorOf(reply.body)).toMatchObject({ code: 'BadRequest', message: 'Invalid filter clause' });
  });

  it('refuses a page size over 1000', async () => {
    expect((await list('$top=1001')).status).toBe(400);
    expect((await list('$top=1000')).status).toBe(200);
  });

  it("answers the reports service's 403 without AuditLog.Read.All", async () => {
    const reply = await call('/v1.0/auditLogs/directoryAudits', {
      roles: ['User.Read.All', 'Directory.Read.All'],
    });
    expect(reply.status).toBe(403);
    expect(errorOf(reply.body).code).toBe('Authentication_MSGraphPermissionMissing');
    expect((await call('/v1.0/auditLogs/directoryAudits', { roles: ['AuditLog.Read.All'] })).status).toBe(
      200,
    );
  });

  it('counts against the reports limit', async () => {
    fixture.simulator.setReportsThrottling({ enabled: true, requests: 1, windowMs: 60_000 });
    try {
      expect((await list()).status).toBe(200);
      const throttled = await list();
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      fixture.simulator.setReportsThrottling({ enabled: false });
    }
  });
});
