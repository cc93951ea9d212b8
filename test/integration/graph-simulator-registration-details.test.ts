import { beforeAll, describe, expect, it } from 'vitest';

import { demoSeed } from '../support/demo-tenant';
import { simulatorGet, useGraphSimulator } from '../support/graph-fixture';

// GET /reports/authenticationMethods/userRegistrationDetails: shape (resource page), paging,
// the reports errors, rows computed from the tenant's methods (a delete shows at once), and the
// documented `$filter` and `$orderby` (local/graph/registration-filter.ts).

const fixture = useGraphSimulator({ resetAfterEach: true });
const PATH = '/v1.0/reports/authenticationMethods/userRegistrationDetails';
const seed = demoSeed();
const upn = (name: string) => `${name}@contoso.onmicrosoft.com`;
const byUpn = (name: string) => {
  const user = seed.users.find((candidate) => candidate.userPrincipalName === upn(name));
  if (user === undefined) throw new Error(`no ${name} in the demo seed`);
  return user;
};
type Row = Record<string, unknown>;
const rows = (body: { value?: Row[] }) => body.value ?? [];

/** Deletes the user's one phone through Graph's own route, as a reset would. */
async function deleteOnlyPhone(user: ReturnType<typeof byUpn>) {
  const phone = user.authenticationMethods.find((method) => method.type === 'phone');
  const deleted = await fetch(
    `${fixture.simulator.url}/v1.0/users/${user.id}/authentication/phoneMethods/${phone?.id}`,
    { method: 'DELETE', headers: { Authorization: `Bearer ${fixture.token}` } },
  );
  expect(deleted.status).toBe(204);
}

beforeAll(() => fixture.simulator.setReportsThrottling({ enabled: false }));

describe('userRegistrationDetails', () => {
  it('lists every enabled user with the documented properties', async () => {
    const reply = await simulatorGet(fixture, PATH);
    expect(reply.status).toBe(200);
    const enabled = seed.users.filter((user) => user.accountEnabled);
    expect(rows(reply.body).map((row) => row.id)).toEqual(enabled.map((user) => user.id));
    expect(reply.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails',
    );
    // JohannaL: password and a mobile phone only.
    const johanna = rows(reply.body).find((row) => row.id === byUpn('JohannaL').id);
    // The v1.0 resource's properties, no more (defaultMfaMethod is beta only).
    expect(Object.keys(johanna ?? {}).sort()).toEqual(
      [
        'id',
        'userPrincipalName',
        'userDisplayName',
        'userType',
        'isAdmin',
        'isSsprRegistered',
        'isSsprEnabled',
        'isSsprCapable',
        'isMfaRegistered',
        'isMfaCapable',
        'isPasswordlessCapable',
        'isSystemPreferredAuthenticationMethodEnabled',
        'lastUpdatedDateTime',
        'methodsRegistered',
        'systemPreferredAuthenticationMethods',
        'userPreferredMethodForSecondaryAuthentication',
      ].sort(),
    );
    expect(johanna).toMatchObject({
      userPrincipalName: upn('JohannaL'),
      userDisplayName: byUpn('JohannaL').displayName,
      userType: 'member',
      isAdmin: false,
      isMfaRegistered: true,
      isMfaCapable: true,
      isPasswordlessCapable: false,
      methodsRegistered: ['mobilePhone'],
      systemPreferredAuthenticationMethods: ['sms'],
    });
    // MeganB holds an active admin role in the seed, and a passkey and Windows Hello.
    const megan = rows(reply.body).find((row) => row.id === byUpn('MeganB').id);
    expect(megan).toMatchObject({ isAdmin: true, isPasswordlessCapable: true });
    const guest = rows(reply.body).find((row) => row.userType === 'guest');
    expect(guest?.methodsRegistered).toEqual(['mobilePhone', 'microsoftAuthenticatorPush']);
    // Every row carries the same refresh time (the docs' example).
    expect(new Set(rows(reply.body).map((row) => row.lastUpdatedDateTime)).size).toBe(1);
  });

  it('shows a removed method in the next read', async () => {
    const johanna = byUpn('JohannaL');
    await deleteOnlyPhone(johanna);
    const reply = await simulatorGet(fixture, PATH);
    const row = rows(reply.body).find((candidate) => candidate.id === johanna.id);
    expect(row).toMatchObject({ methodsRegistered: [], isMfaCapable: false, isMfaRegistered: false });
  });

  it('pages with $top and @odata.nextLink, up to 999 a page', async () => {
    const first = await simulatorGet(fixture, `${PATH}?$top=5`);
    expect(rows(first.body)).toHaveLength(5);
    const next = first.body['@odata.nextLink'] as string;
    expect(next).toContain('$skiptoken=');
    const seen = rows(first.body).map((row) => row.id);
    for (let link: string | undefined = next; link !== undefined;) {
      const page = await simulatorGet(fixture, link);
      seen.push(...rows(page.body).map((row) => row.id));
      link = page.body['@odata.nextLink'] as string | undefined;
    }
    expect(seen).toEqual(seed.users.filter((user) => user.accountEnabled).map((user) => user.id));
    expect((await simulatorGet(fixture, `${PATH}?$top=999`)).status).toBe(200);
    const tooMany = await simulatorGet(fixture, `${PATH}?$top=1000`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.code).toBe('BadRequest');
  });

  it('answers the reports 403 without AuditLog.Read.All', async () => {
    const reply = await simulatorGet(fixture, PATH, { roles: ['User.Read.All'] });
    expect(reply.status).toBe(403);
    expect(reply.body.error?.code).toBe('Authentication_MSGraphPermissionMissing');
  });

  it('answers the licence 403 in a tenant without P1', async () => {
    fixture.simulator.reset({ ...structuredClone(seed), licences: { p1: false, p2: false } });
    const reply = await simulatorGet(fixture, PATH);
    expect(reply.status).toBe(403);
    expect(reply.body.error?.code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
  });

  it('counts against the reports limit shared with the sign-in log', async () => {
    fixture.simulator.setReportsThrottling({ enabled: true, requests: 1, windowMs: 60_000 });
    try {
      expect((await simulatorGet(fixture, '/v1.0/auditLogs/signIns')).status).toBe(200);
      const reply = await simulatorGet(fixture, PATH);
      expect(reply.status).toBe(429);
    } finally {
      fixture.simulator.setReportsThrottling({ enabled: false });
    }
  });
});

describe('userRegistrationDetails $filter and $orderby', () => {
  const enabled = seed.users.filter((user) => user.accountEnabled);
  const ids = (names: string[]) => names.map((name) => byUpn(name).id);
  const idsOf = (reply: { body: { value?: Row[] } }) => rows(reply.body).map((row) => row.id);
  const filtered = async (filter: string, extra = '') =>
    await simulatorGet(fixture, `${PATH}?$filter=${encodeURIComponent(filter)}${extra}`);
  // Seed order; the demo seed's users with a mobile phone, and those with an office phone.
  const WITH_MOBILE = ['AdeleV', 'MeganB', 'DiegoS', 'IsaiahL', 'JohannaL', 'PattiF'];
  const GUEST = seed.users.find((user) => user.userType === 'Guest');

  it('filters on a registered method with any(), the lambda spaced or not', async () => {
    const guestWithMobile = GUEST === undefined ? [] : [GUEST.id];
    const expected = enabled
      .map((user) => user.id)
      .filter((id) => ids(WITH_MOBILE).includes(id) || guestWithMobile.includes(id));
    expect(idsOf(await filtered("methodsRegistered/any(x:x eq 'mobilePhone')"))).toEqual(expected);
    expect(idsOf(await filtered("methodsRegistered/any(m: m eq 'mobilePhone')"))).toEqual(expected);
  });

  it('filters on isMfaCapable with eq, and sees a removed method at once', async () => {
    const johanna = byUpn('JohannaL');
    await deleteOnlyPhone(johanna);
    expect(idsOf(await filtered('isMfaCapable eq false'))).toEqual([johanna.id]);
    expect(idsOf(await filtered('isMfaCapable eq true'))).toEqual(
      enabled.map((user) => user.id).filter((id) => id !== johanna.id),
    );
  });

  it('matches userPrincipalName and userDisplayName with eq and startswith, ignoring case', async () => {
    const johanna = byUpn('JohannaL');
    expect(idsOf(await filtered("startswith(userPrincipalName,'JOHANNAL@')"))).toEqual([johanna.id]);
    expect(idsOf(await filtered(`userDisplayName eq '${johanna.displayName.toUpperCase()}'`))).toEqual([
      johanna.id,
    ]);
    expect(idsOf(await filtered(`userPrincipalName eq '${upn('JohannaL').toLowerCase()}'`))).toEqual([
      johanna.id,
    ]);
  });

  it('joins clauses with and, or and parentheses', async () => {
    const phones = [...WITH_MOBILE, '$AlexW'];
    const expected = enabled.map((user) => user.id).filter((id) => ids(phones).includes(id));
    const reply = await filtered(
      "(methodsRegistered/any(x:x eq 'mobilePhone') or methodsRegistered/any(x:x eq 'officePhone')) and userType eq 'member'",
    );
    expect(reply.status).toBe(200);
    expect(idsOf(reply)).toEqual(expected);
  });

  it('keeps the filter on every page', async () => {
    const first = await filtered("methodsRegistered/any(x:x eq 'microsoftAuthenticatorPush')", '&$top=3');
    const seen = idsOf(first);
    expect(seen).toHaveLength(3);
    for (let link = first.body['@odata.nextLink'] as string | undefined; link !== undefined;) {
      const page = await simulatorGet(fixture, link);
      seen.push(...idsOf(page));
      link = page.body['@odata.nextLink'] as string | undefined;
    }
    const withAuthenticator = enabled.filter((user) =>
      user.authenticationMethods.some((method) => method.type === 'microsoftAuthenticator'),
    );
    expect(seen).toEqual(withAuthenticator.map((user) => user.id));
  });

  it('orders by userDisplayName, descending when asked', async () => {
    const names = enabled.map((user) => user.displayName.toLowerCase());
    const ascending = [...names].sort((a, b) => a.localeCompare(b));
    const listed = async (orderBy: string) =>
      rows((await simulatorGet(fixture, `${PATH}?$orderby=${encodeURIComponent(orderBy)}`)).body).map((row) =>
        String(row.userDisplayName).toLowerCase(),
      );
    expect(await listed('userDisplayName')).toEqual(ascending);
    expect(await listed('userDisplayName desc')).toEqual([...ascending].reverse());
  });

  it.each([
    // A collection compared as a scalar: the list page's old example, which can't work (#8786).
    ["methodsRegistered eq 'email'"],
    ['isMfaCapable ne true'],
    ["isMfaCapable eq 'true'"],
    ["lastUpdatedDateTime eq '2026-01-01'"],
    ["startswith(userType,'mem')"],
    ["methodsRegistered/any(x:y eq 'email')"],
    ["userType eq 'member' and"],
    ["(userType eq 'member'"],
  ])('refuses %s with the reports 400', async (filter) => {
    const reply = await filtered(filter);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 'BadRequest', message: 'Invalid filter clause' });
  });

  it('answers the observed UnknownError for systemPreferredAuthenticationMethods/any', async () => {
    const reply = await filtered("systemPreferredAuthenticationMethods/any(m:m eq 'oath')");
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({
      code: 'UnknownError',
      message: 'Unable to find nonEntity type name',
    });
  });

  it('refuses $orderby on anything but the two names', async () => {
    for (const orderBy of ['isAdmin', 'userDisplayName sideways', 'userType desc']) {
      const reply = await simulatorGet(fixture, `${PATH}?$orderby=${encodeURIComponent(orderBy)}`);
      expect(reply.status, orderBy).toBe(400);
      expect(reply.body.error?.code).toBe('BadRequest');
    }
  });
});
