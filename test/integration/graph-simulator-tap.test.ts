import { describe, expect, it } from 'vitest';

import type { TenantData } from '../../local/graph';
import { demoSeed } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { errorOf, graphCall, liveMethods, methodOf, users } from '../support/recovery-seed';

// Temporary Access Pass (authentication-post-temporaryaccesspassmethods, Entra TAP page): create
// rules against the tenant policy, one pass per user, the pass shown once, usability, the policy
// resource. Demo policy: enabled, lifetime 60–480 (default 60), length 8, multi-use allowed, all
// users but "Emergency Access Accounts".

const fixture = useGraphSimulator({ resetAfterEach: true });
const { adele, diego, dollar, breakGlass, grady, guest } = users;
const policy = demoSeed().policies.temporaryAccessPass;

interface Tap {
  id: string;
  temporaryAccessPass: string | null;
  startDateTime: string;
  createdDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  isUsable?: boolean;
  methodUsabilityReason?: string;
}

const taps = (userId: string, options: Parameters<typeof graphCall>[3] = {}) =>
  graphCall(
    fixture,
    options.body === undefined ? 'GET' : 'POST',
    `/users/${userId}/authentication/temporaryAccessPassMethods`,
    options,
  );
const issue = (userId: string, body: unknown = {}, options: Parameters<typeof graphCall>[3] = {}) =>
  taps(userId, { ...options, body });

/** Restarts the tenant from the demo seed with a changed TAP policy. */
function withPolicy(change: Partial<TenantData['policies']['temporaryAccessPass']>): void {
  const seed = structuredClone(demoSeed());
  seed.policies.temporaryAccessPass = { ...seed.policies.temporaryAccessPass, ...change };
  fixture.simulator.reset(seed);
}

describe('POST temporaryAccessPassMethods', () => {
  it('issues a pass with the policy defaults: 201, usable now, the pass of the policy length', async () => {
    const before = Date.now();
    const reply = await issue(adele.id);
    expect(reply.status).toBe(201);
    const tap = reply.body as Tap;
    expect(tap).toMatchObject({
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      lifetimeInMinutes: policy.defaultLifetimeInMinutes,
      isUsableOnce: policy.isUsableOnce,
      isUsable: true,
      methodUsabilityReason: 'EnabledByPolicy',
    });
    expect(tap.temporaryAccessPass).toHaveLength(policy.defaultLength);
    expect(Date.parse(tap.createdDateTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(tap.startDateTime).toBe(tap.createdDateTime);
    expect(
      liveMethods(fixture, adele).filter((method) => method.type === 'temporaryAccessPass'),
    ).toHaveLength(1);
  });

  it('takes an empty body like {}, and passes differ from one another', async () => {
    const first = (await taps(adele.id, { body: '' })).body as Tap;
    const second = (await issue(adele.id)).body as Tap;
    expect(first.temporaryAccessPass).not.toBe(second.temporaryAccessPass);
  });

  it('shows the pass only once: null on list and get, and absent from the tenant state and the request log', async () => {
    const created = (await issue(adele.id)).body as Tap;
    const pass = created.temporaryAccessPass ?? '';
    const listed = (await taps(adele.id)).body as { value: Tap[] };
    expect(listed.value).toEqual([expect.objectContaining({ id: created.id, temporaryAccessPass: null })]);
    const got = await graphCall(
      fixture,
      'GET',
      `/users/${adele.id}/authentication/temporaryAccessPassMethods/${created.id}`,
    );
    expect(got.body).toMatchObject({ id: created.id, temporaryAccessPass: null });
    expect(JSON.stringify(fixture.simulator.state())).not.toContain(pass);
    expect(JSON.stringify(fixture.simulator.requests())).not.toContain(pass);
    const control = await fetch(`${fixture.simulator.url}/_sim/requests`);
    expect(await control.text()).not.toContain(pass);
  });

  it('replaces the current pass: one per user', async () => {
    const first = (await issue(diego.id)).body as Tap;
    const second = (await issue(diego.id, { lifetimeInMinutes: 120 })).body as Tap;
    const listed = ((await taps(diego.id)).body as { value: Tap[] }).value;
    expect(listed.map((tap) => tap.id)).toEqual([second.id]);
    expect(listed.map((tap) => tap.id)).not.toContain(first.id);
    expect(listed.map((tap) => tap.id)).not.toContain(methodOf(diego, 'temporaryAccessPass').id);
  });

  it('accepts a start in the future (NotYetValid) and a one-time pass', async () => {
    const start = new Date(Date.now() + 24 * 3600_000).toISOString();
    const reply = await issue(adele.id, { startDateTime: start, lifetimeInMinutes: 480, isUsableOnce: true });
    expect(reply.body).toMatchObject({
      startDateTime: start,
      lifetimeInMinutes: 480,
      isUsableOnce: true,
      isUsable: false,
      methodUsabilityReason: 'NotYetValid',
    });
  });

  it('refuses a lifetime outside the policy range with the observed message', async () => {
    for (const lifetimeInMinutes of [59, 481, 5, 43201]) {
      const reply = await issue(adele.id, { lifetimeInMinutes });
      expect(reply.status, String(lifetimeInMinutes)).toBe(400);
      expect(errorOf(reply)).toMatchObject({
        code: 'badRequest',
        message: 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.',
      });
    }
    // Not an Int32: the OpenAPI request schema refuses it before the service sees it.
    for (const lifetimeInMinutes of [60.5, '60']) {
      const reply = await issue(adele.id, { lifetimeInMinutes });
      expect(errorOf(reply)).toMatchObject({
        code: 'BadRequest',
        message: 'Property lifetimeInMinutes in payload has a value that does not match schema.',
      });
    }
    expect((await issue(adele.id, { lifetimeInMinutes: 60 })).status).toBe(201);
    expect((await issue(adele.id, { lifetimeInMinutes: 480 })).status).toBe(201);
  });

  it('uses the range and default of the policy in force', async () => {
    withPolicy({
      minimumLifetimeInMinutes: 10,
      defaultLifetimeInMinutes: 30,
      maximumLifetimeInMinutes: 43200,
      defaultLength: 14,
    });
    const tap = (await issue(adele.id)).body as Tap;
    expect(tap.lifetimeInMinutes).toBe(30);
    expect(tap.temporaryAccessPass).toHaveLength(14);
    expect((await issue(adele.id, { lifetimeInMinutes: 43200 })).status).toBe(201);
    expect(errorOf(await issue(adele.id, { lifetimeInMinutes: 9 })).message).toBe(
      'Invalid LifetimeInMinutes specified. The valid range between 10 and 43200.',
    );
  });

  it('refuses a multi-use pass when the policy allows only one-time passes, and defaults to one-time then', async () => {
    withPolicy({ isUsableOnce: true });
    const refused = await issue(adele.id, { isUsableOnce: false });
    expect([refused.status, errorOf(refused).code]).toEqual([400, 'badRequest']);
    expect((await issue(adele.id)).body).toMatchObject({ isUsableOnce: true });
  });

  it('refuses any pass while the policy is disabled, with the observed message', async () => {
    withPolicy({ state: 'disabled' });
    const reply = await issue(adele.id);
    expect([reply.status, errorOf(reply).code]).toEqual([400, 'badRequest']);
    expect(errorOf(reply).message).toBe(
      'Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].',
    );
    expect(liveMethods(fixture, adele).some((method) => method.type === 'temporaryAccessPass')).toBe(false);
  });

  it('refuses a malformed startDateTime or isUsableOnce', async () => {
    expect((await issue(adele.id, { startDateTime: 'tomorrow' })).status).toBe(400);
    expect((await issue(adele.id, { startDateTime: '2030-01-01T00:00:00' })).status).toBe(400);
    expect((await issue(adele.id, { isUsableOnce: 'yes' })).status).toBe(400);
    expect((await taps(adele.id, { body: '[]' })).status).toBe(400);
  });

  it('issues to users outside the policy targets, but the pass is DisabledByPolicy', async () => {
    const reply = await issue(breakGlass.id);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ isUsable: false, methodUsabilityReason: 'DisabledByPolicy' });
    expect((reply.body as Tap).temporaryAccessPass).toHaveLength(policy.defaultLength);
  });

  it('needs UserAuthMethod-TAP.ReadWrite.All (or ReadWrite.All) to issue; TAP.Read.All only reads', async () => {
    const read = fixture.identity.mintToken({ roles: ['UserAuthMethod-TAP.Read.All'] }).accessToken;
    const refused = await issue(adele.id, {}, { token: read });
    expect([refused.status, errorOf(refused).code]).toEqual([403, 'Authorization_RequestDenied']);
    expect((await taps(diego.id, { token: read })).status).toBe(200);
    const all = fixture.identity.mintToken({ roles: ['UserAuthenticationMethod.ReadWrite.All'] }).accessToken;
    expect((await issue(adele.id, {}, { token: all })).status).toBe(201);
    expect((await issue(adele.id, {}, { token: null })).status).toBe(401);
  });

  it('refuses an external (B2B) guest with the documented message, but issues to an internal guest', async () => {
    const refused = await issue(guest.id);
    expect([refused.status, errorOf(refused).code]).toEqual([400, 'badRequest']);
    expect(errorOf(refused).message).toBe('Temporary Access Pass cannot be added to an external guest user.');
    expect(liveMethods(fixture, guest).some((method) => method.type === 'temporaryAccessPass')).toBe(false);

    const seed = structuredClone(demoSeed());
    const internal = seed.users.find((user) => user.id === grady.id);
    if (internal !== undefined) internal.userType = 'Guest';
    fixture.simulator.reset(seed);
    expect((await issue(grady.id)).status).toBe(201);
  });

  it('answers 404 for an unknown user', async () => {
    const reply = await issue('nobody@contoso.onmicrosoft.com');
    expect([reply.status, errorOf(reply).code]).toEqual([404, 'itemNotFound']);
  });
});

describe('GET temporaryAccessPassMethods', () => {
  it("lists the user's pass with its usability: used one-time (Diego), expired ($AlexW), none (Grady)", async () => {
    expect(((await taps(diego.id)).body as { value: Tap[] }).value).toEqual([
      expect.objectContaining({
        isUsable: false,
        methodUsabilityReason: 'OneTimeUsed',
        temporaryAccessPass: null,
      }),
    ]);
    const dollarTaps = await graphCall(
      fixture,
      'GET',
      `/users('${dollar.userPrincipalName}')/authentication/temporaryAccessPassMethods`,
    );
    expect((dollarTaps.body as { value: Tap[] }).value).toEqual([
      expect.objectContaining({ isUsable: false, methodUsabilityReason: 'Expired' }),
    ]);
    expect(((await taps(grady.id)).body as { value: Tap[] }).value).toEqual([]);
  });

  it('leaves isUsable and methodUsabilityReason out on beta, whose type lacks them', async () => {
    const tap = ((await taps(diego.id, { version: 'beta' })).body as { value: Tap[] }).value[0];
    expect(tap).toBeDefined();
    expect(tap).not.toHaveProperty('isUsable');
    expect(tap).not.toHaveProperty('methodUsabilityReason');
  });

  it('gets one pass by id, 404 for an unknown id', async () => {
    const id = methodOf(diego, 'temporaryAccessPass').id;
    const path = `/users/${diego.id}/authentication/temporaryAccessPassMethods`;
    expect((await graphCall(fixture, 'GET', `${path}/${id}`)).body).toMatchObject({
      id,
      temporaryAccessPass: null,
    });
    const missing = await graphCall(fixture, 'GET', `${path}/${methodOf(dollar, 'temporaryAccessPass').id}`);
    expect([missing.status, errorOf(missing).code]).toEqual([404, 'itemNotFound']);
  });

  it('shows DisabledByPolicy for every pass once the policy is disabled', async () => {
    const start = new Date().toISOString();
    const seed = structuredClone(demoSeed());
    seed.policies.temporaryAccessPass.state = 'disabled';
    seed.users
      .find((user) => user.id === adele.id)
      ?.authenticationMethods.push({
        type: 'temporaryAccessPass',
        id: '5d0c1f3a-9b8e-4c7d-a6f5-e4d3c2b1a098',
        startDateTime: start,
        lifetimeInMinutes: 60,
        isUsableOnce: false,
        used: false,
      });
    fixture.simulator.reset(seed);
    expect(((await taps(adele.id)).body as { value: Tap[] }).value).toEqual([
      expect.objectContaining({ isUsable: false, methodUsabilityReason: 'DisabledByPolicy' }),
    ]);
  });
});

describe('DELETE temporaryAccessPassMethods/{id}', () => {
  it('needs UserAuthMethod-TAP.ReadWrite.All (or ReadWrite.All); TAP.Read.All is 403', async () => {
    const path = `/users/${diego.id}/authentication/temporaryAccessPassMethods/${methodOf(diego, 'temporaryAccessPass').id}`;
    const mint = (role: string) => fixture.identity.mintToken({ roles: [role] }).accessToken;
    const refused = await graphCall(fixture, 'DELETE', path, { token: mint('UserAuthMethod-TAP.Read.All') });
    expect([refused.status, errorOf(refused).code]).toEqual([403, 'Authorization_RequestDenied']);
    const removed = await graphCall(fixture, 'DELETE', path, {
      token: mint('UserAuthMethod-TAP.ReadWrite.All'),
    });
    expect([removed.status, removed.text]).toEqual([204, '']);
    expect(((await taps(diego.id)).body as { value: Tap[] }).value).toEqual([]);
  });
});

describe('the TAP policy', () => {
  const path = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations';

  it('serves the TemporaryAccessPass configuration in the documented shape, whatever the id case', async () => {
    for (const id of ['TemporaryAccessPass', 'temporaryAccessPass']) {
      const reply = await graphCall(fixture, 'GET', `${path}/${id}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        '@odata.context':
          'https://graph.microsoft.com/v1.0/$metadata#authenticationMethodConfigurations/$entity',
        '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
        id: 'TemporaryAccessPass',
        state: 'enabled',
        defaultLifetimeInMinutes: 60,
        defaultLength: 8,
        minimumLifetimeInMinutes: 60,
        maximumLifetimeInMinutes: 480,
        isUsableOnce: false,
        'includeTargets@odata.context': expect.stringContaining('includeTargets') as string,
        includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
        excludeTargets: [{ targetType: 'group', id: breakGlassGroup }],
      });
    }
  });

  it('refuses a seed policy outside the documented bounds (length 8–48, lifetimes 10–43200, min ≤ default ≤ max)', () => {
    for (const change of [
      { defaultLength: 7 },
      { defaultLength: 49 },
      { minimumLifetimeInMinutes: 9 },
      { maximumLifetimeInMinutes: 43201 },
      { defaultLifetimeInMinutes: 500 },
      { defaultLifetimeInMinutes: 30 },
    ]) {
      expect(() => withPolicy(change), JSON.stringify(change)).toThrow();
    }
    withPolicy({ defaultLength: 48, minimumLifetimeInMinutes: 10, maximumLifetimeInMinutes: 43200 });
    expect(fixture.simulator.state().policies.temporaryAccessPass.defaultLength).toBe(48);
  });

  it('follows the tenant state', async () => {
    withPolicy({ state: 'disabled', isUsableOnce: true });
    expect(
      (await graphCall(fixture, 'GET', `${path}/TemporaryAccessPass`, { version: 'beta' })).body,
    ).toMatchObject({
      state: 'disabled',
      isUsableOnce: true,
    });
  });

  it('answers 501 for other documented configurations and 404 for unknown ids', async () => {
    expect((await graphCall(fixture, 'GET', `${path}/Sms`)).status).toBe(501);
    const unknown = await graphCall(fixture, 'GET', `${path}/Carrier-Pigeon`);
    expect([unknown.status, errorOf(unknown).code]).toEqual([404, 'itemNotFound']);
  });

  it('answers 501 for the documented update and revert-to-defaults (PATCH, DELETE), not 405', async () => {
    // temporaryaccesspassauthenticationmethodconfiguration-update / -delete (v1.0 and beta).
    for (const version of ['v1.0', 'beta'] as const) {
      const patch = await graphCall(fixture, 'PATCH', `${path}/TemporaryAccessPass`, {
        version,
        body: { defaultLifetimeInMinutes: 120 },
      });
      const revert = await graphCall(fixture, 'DELETE', `${path}/TemporaryAccessPass`, { version });
      for (const reply of [patch, revert]) {
        expect([reply.status, errorOf(reply).code], version).toEqual([501, 'notImplemented']);
      }
    }
  });

  it('reads with Policy.Read.AuthenticationMethod, Policy.Read.All or Policy.ReadWrite.AuthenticationMethod only', async () => {
    for (const role of [
      'Policy.Read.AuthenticationMethod',
      'Policy.Read.All',
      'Policy.ReadWrite.AuthenticationMethod',
    ]) {
      const token = fixture.identity.mintToken({ roles: [role] }).accessToken;
      expect((await graphCall(fixture, 'GET', `${path}/TemporaryAccessPass`, { token })).status, role).toBe(
        200,
      );
    }
    const token = fixture.identity.mintToken({ roles: ['UserAuthMethod-TAP.ReadWrite.All'] }).accessToken;
    expect((await graphCall(fixture, 'GET', `${path}/TemporaryAccessPass`, { token })).status).toBe(403);
  });
});

const breakGlassGroup = demoSeed().groups.find(
  (group) => group.displayName === 'Emergency Access Accounts',
)?.id;

describe('TAP writes as $batch steps', () => {
  it('issues a pass in a step (its pass only in that step body) and deletes it in a dependent step', async () => {
    const reply = await graphCall(fixture, 'POST', '/$batch', {
      body: {
        requests: [
          {
            id: 'issue',
            method: 'POST',
            url: `/users/${grady.id}/authentication/temporaryAccessPassMethods`,
            headers: { 'Content-Type': 'application/json' },
            body: { lifetimeInMinutes: 90, isUsableOnce: true },
          },
          {
            id: 'tooLong',
            method: 'POST',
            url: `/users/${adele.id}/authentication/temporaryAccessPassMethods`,
            headers: { 'Content-Type': 'application/json' },
            body: { lifetimeInMinutes: 900 },
            dependsOn: ['issue'],
          },
          {
            id: 'list',
            method: 'GET',
            url: `/users/${adele.id}/authentication/temporaryAccessPassMethods`,
            dependsOn: ['tooLong'],
          },
        ],
      },
    });
    const responses = (reply.body as { responses: { id: string; status: number; body?: Tap }[] }).responses;
    expect(responses.map((step) => [step.id, step.status])).toEqual([
      ['issue', 201],
      ['tooLong', 400],
      ['list', 424],
    ]);
    const issued = responses[0]?.body;
    expect(issued).toMatchObject({ lifetimeInMinutes: 90, isUsableOnce: true });
    expect(issued?.temporaryAccessPass).toHaveLength(8);
    expect(JSON.stringify(fixture.simulator.requests())).not.toContain(issued?.temporaryAccessPass);

    const removed = await graphCall(
      fixture,
      'DELETE',
      `/users/${grady.id}/authentication/temporaryAccessPassMethods/${issued?.id ?? ''}`,
    );
    expect(removed.status).toBe(204);
    expect(liveMethods(fixture, grady).some((method) => method.type === 'temporaryAccessPass')).toBe(false);
  });
});
