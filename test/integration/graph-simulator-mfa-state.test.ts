import { describe, expect, it } from 'vitest';

import { useGraphSimulator } from '../support/graph-fixture';
import { errorOf, graphCall, liveUser, seedUser, users } from '../support/recovery-seed';

// Per-user MFA and the default method (beta; authentication-get, authentication-update) and
// revokeSignInSessions (user-revokesigninsessions).

const fixture = useGraphSimulator({ resetAfterEach: true });
const { adele, diego, megan, patti, grady, johanna, guest } = users;

const mint = (roles: string[]) => fixture.identity.mintToken({ roles }).accessToken;
const beta = (method: string, path: string, options: Parameters<typeof graphCall>[3] = {}) =>
  graphCall(fixture, method, path, { version: 'beta', ...options });

describe('beta authentication/requirements (per-user MFA)', () => {
  it('reads each state', async () => {
    for (const [user, state] of [
      [megan, 'enforced'],
      [patti, 'enabled'],
      [adele, 'disabled'],
    ] as const) {
      const reply = await beta('GET', `/users/${user.userPrincipalName}/authentication/requirements`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        '@odata.context': `https://graph.microsoft.com/beta/$metadata#users('${user.userPrincipalName}')/authentication/requirements`,
        perUserMfaState: state,
      });
    }
  });

  it('sets the state with PATCH → 204, and moves between any states', async () => {
    // Lee has only a password, so `enabled` stays `enabled`.
    const lee = seedUser('LeeG@contoso.onmicrosoft.com');
    for (const state of ['enforced', 'enabled', 'disabled', 'enabled'] as const) {
      const reply = await beta('PATCH', `/users/${lee.id}/authentication/requirements`, {
        body: { perUserMfaState: state },
      });
      expect([reply.status, reply.text]).toEqual([204, '']);
      expect(liveUser(fixture, lee).perUserMfaState).toBe(state);
    }
  });

  it('turns `enabled` into `enforced` for a user who has registered an MFA method', async () => {
    // strongAuthenticationRequirements resource (beta): "their state changes automatically to enforced".
    const path = `/users/${megan.id}/authentication/requirements`;
    await beta('PATCH', path, { body: { perUserMfaState: 'disabled' } });
    const reply = await beta('PATCH', path, { body: { perUserMfaState: 'enabled' } });
    expect(reply.status).toBe(204);
    expect(liveUser(fixture, megan).perUserMfaState).toBe('enforced');
    expect((await beta('GET', path)).body).toMatchObject({ perUserMfaState: 'enforced' });
  });

  it('refuses an unknown state or property, and an unreadable body', async () => {
    const path = `/users/${megan.id}/authentication/requirements`;
    for (const body of [
      { perUserMfaState: 'off' },
      { perUserMfaState: 'enforced', extra: 1 },
      { perUserMfaState: 1 },
      '{',
    ]) {
      expect((await beta('PATCH', path, { body })).status, JSON.stringify(body)).toBe(400);
    }
    expect(liveUser(fixture, megan).perUserMfaState).toBe('enforced');
  });

  it('exists on beta only', async () => {
    const reply = await graphCall(fixture, 'GET', `/users/${megan.id}/authentication/requirements`);
    expect(reply.status).toBe(400);
    expect(errorOf(reply).message).toBe("Resource not found for the segment 'requirements'.");
  });

  it('reads with Policy.Read.All or Policy.ReadWrite.AuthenticationMethod; writes with the latter only', async () => {
    const path = `/users/${megan.id}/authentication/requirements`;
    expect((await beta('GET', path, { token: mint(['Policy.Read.All']) })).status).toBe(200);
    expect((await beta('GET', path, { token: mint(['Policy.ReadWrite.AuthenticationMethod']) })).status).toBe(
      200,
    );
    // Policy.Read.AuthenticationMethod is not among the operation's permissions.
    expect((await beta('GET', path, { token: mint(['Policy.Read.AuthenticationMethod']) })).status).toBe(403);
    const body = { perUserMfaState: 'disabled' };
    for (const roles of [['Policy.Read.All'], ['UserAuthenticationMethod.ReadWrite.All'], []]) {
      expect((await beta('PATCH', path, { body, token: mint(roles) })).status, roles.join()).toBe(403);
    }
    expect(
      (await beta('PATCH', path, { body, token: mint(['Policy.ReadWrite.AuthenticationMethod']) })).status,
    ).toBe(204);
  });

  it('refuses /me/authentication/… to an app-only token, as Graph does (observed body)', async () => {
    for (const [version, path] of [
      ['beta', '/me/authentication/requirements'],
      ['v1.0', '/me/authentication/methods'],
    ] as const) {
      const reply = await graphCall(fixture, 'GET', path, { version });
      expect([reply.status, errorOf(reply).code], path).toEqual([400, 'BadRequest']);
      expect(errorOf(reply).message).toBe('/me request is only valid with delegated authentication flow.');
    }
  });

  it('404s an unknown user', async () => {
    const reply = await beta('GET', '/users/nobody@contoso.onmicrosoft.com/authentication/requirements');
    expect([reply.status, errorOf(reply).code]).toEqual([404, 'itemNotFound']);
  });
});

describe('beta authentication/signInPreferences (the default method)', () => {
  const readWriteAll = () => mint(['UserAuthenticationMethod.ReadWrite.All']);

  it('reads the default method and the system-preferred flag', async () => {
    const reply = await beta('GET', `/users/${patti.id}/authentication/signInPreferences`);
    expect(reply.body).toEqual({
      '@odata.context': `https://graph.microsoft.com/beta/$metadata#users('${patti.id}')/authentication/signInPreferences`,
      isSystemPreferredAuthenticationMethodEnabled: false,
      userPreferredMethodForSecondaryAuthentication: 'voiceMobile',
    });
    // A user without stored preferences: no default.
    expect((await beta('GET', `/users/${grady.id}/authentication/signInPreferences`)).body).toMatchObject({
      userPreferredMethodForSecondaryAuthentication: null,
    });
  });

  it('changes the default to a method the user has (204), which then may be deleted last', async () => {
    const path = `/users/${adele.id}/authentication/signInPreferences`;
    const reply = await beta('PATCH', path, {
      token: readWriteAll(),
      body: { userPreferredMethodForSecondaryAuthentication: 'oath' },
    });
    expect([reply.status, reply.text]).toEqual([204, '']);
    expect(liveUser(fixture, adele).signInPreferences).toEqual({
      isSystemPreferredAuthenticationMethodEnabled: true,
      userPreferredMethodForSecondaryAuthentication: 'oath',
    });
    // The Authenticator is no longer the default: it can go while other methods remain.
    const authenticator = adele.authenticationMethods.find(
      (method) => method.type === 'microsoftAuthenticator',
    );
    const removed = await graphCall(
      fixture,
      'DELETE',
      `/users/${adele.id}/authentication/microsoftAuthenticatorMethods/${authenticator?.id ?? ''}`,
    );
    expect(removed.status).toBe(204);
    expect(
      (
        await beta('PATCH', path, {
          token: readWriteAll(),
          body: { isSystemPreferredAuthenticationMethodEnabled: false },
        })
      ).status,
    ).toBe(204);
    expect(liveUser(fixture, adele).signInPreferences).toEqual({
      isSystemPreferredAuthenticationMethodEnabled: false,
      userPreferredMethodForSecondaryAuthentication: 'oath',
    });
  });

  it('takes each documented default value for a user who has the method behind it', async () => {
    // userDefaultAuthenticationMethodType (signInPreferences resource); Diego has every method.
    const path = `/users/${diego.id}/authentication/signInPreferences`;
    for (const value of ['push', 'oath', 'voiceMobile', 'voiceAlternateMobile', 'voiceOffice', 'sms']) {
      const body = { userPreferredMethodForSecondaryAuthentication: value };
      expect((await beta('PATCH', path, { token: readWriteAll(), body })).status, value).toBe(204);
      expect((await beta('GET', path)).body, value).toMatchObject(body);
    }
  });

  it('refuses a default the user has no method for, unknown values and properties', async () => {
    const path = `/users/${johanna.id}/authentication/signInPreferences`;
    for (const body of [
      { userPreferredMethodForSecondaryAuthentication: 'push' },
      { userPreferredMethodForSecondaryAuthentication: 'voiceOffice' },
      { userPreferredMethodForSecondaryAuthentication: null },
    ]) {
      const reply = await beta('PATCH', path, { token: readWriteAll(), body });
      expect([reply.status, errorOf(reply).code], JSON.stringify(body)).toEqual([400, 'badRequest']);
    }
    // What the OpenAPI request schema refuses, before the service sees it.
    for (const [body, code, message] of [
      [
        { userPreferredMethodForSecondaryAuthentication: 'email' },
        'BadRequest',
        'Property userPreferredMethodForSecondaryAuthentication in payload has a value that does not match schema.',
      ],
      [
        { isSystemPreferredAuthenticationMethodEnabled: 'no' },
        'BadRequest',
        'Property isSystemPreferredAuthenticationMethodEnabled in payload has a value that does not match schema.',
      ],
      [
        { favouriteColour: 'blue' },
        'RequestBodyRead',
        "The property 'favouriteColour' does not exist on type 'microsoft.graph.signInPreferences'. Make sure to only use property names that are defined by the type or mark the type as open type.",
      ],
    ] as const) {
      const reply = await beta('PATCH', path, { token: readWriteAll(), body });
      expect([reply.status, errorOf(reply).code, errorOf(reply).message]).toEqual([400, code, message]);
    }
    expect(liveUser(fixture, johanna).signInPreferences?.userPreferredMethodForSecondaryAuthentication).toBe(
      'sms',
    );
  });

  it("needs UserAuthenticationMethod.ReadWrite.All to write (inferred): the app's own roles are refused", async () => {
    const path = `/users/${adele.id}/authentication/signInPreferences`;
    const body = { userPreferredMethodForSecondaryAuthentication: 'oath' };
    const refused = await beta('PATCH', path, { body });
    expect([refused.status, errorOf(refused).code]).toEqual([403, 'Authorization_RequestDenied']);
    expect((await beta('GET', path, { token: mint(['UserAuthenticationMethod.Read.All']) })).status).toBe(
      200,
    );
    expect((await beta('GET', path, { token: mint(['User.Read.All']) })).status).toBe(403);
  });

  it('exists on beta only', async () => {
    expect(
      (await graphCall(fixture, 'GET', `/users/${adele.id}/authentication/signInPreferences`)).status,
    ).toBe(400);
  });
});

describe('POST /users/{user}/revokeSignInSessions', () => {
  it('answers 200 with the always-true Boolean (known issue) and resets signInSessionsValidFromDateTime', async () => {
    const before = Date.now();
    for (const version of ['v1.0', 'beta'] as const) {
      const reply = await graphCall(
        fixture,
        'POST',
        `/users/${adele.userPrincipalName}/revokeSignInSessions`,
        { version },
      );
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        '@odata.context': `https://graph.microsoft.com/${version}/$metadata#Edm.Boolean`,
        value: true,
      });
    }
    const validFrom = liveUser(fixture, adele).signInSessionsValidFromDateTime ?? '';
    expect(Date.parse(validFrom)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const selected = await graphCall(
      fixture,
      'GET',
      `/users/${adele.id}?$select=signInSessionsValidFromDateTime`,
    );
    expect(selected.body).toMatchObject({ signInSessionsValidFromDateTime: validFrom });
  });

  it('leaves other users alone, and answers a guest the same (their home tenant keeps its sessions)', async () => {
    expect((await graphCall(fixture, 'POST', `/users/${guest.id}/revokeSignInSessions`)).status).toBe(200);
    expect(liveUser(fixture, grady).signInSessionsValidFromDateTime).toBeUndefined();
    const unselected = await graphCall(
      fixture,
      'GET',
      `/users/${grady.id}?$select=signInSessionsValidFromDateTime`,
    );
    expect(unselected.body).toMatchObject({ signInSessionsValidFromDateTime: null });
  });

  it('needs User.RevokeSessions.All (or a broader user write permission)', async () => {
    const path = `/users/${adele.id}/revokeSignInSessions`;
    for (const roles of [['User.Read.All'], ['UserAuthenticationMethod.Read.All'], []]) {
      const reply = await graphCall(fixture, 'POST', path, { token: mint(roles) });
      expect([reply.status, errorOf(reply).code]).toEqual([403, 'Authorization_RequestDenied']);
    }
    expect(liveUser(fixture, adele).signInSessionsValidFromDateTime).toBeUndefined();
    // Each permission the operation lists is enough alone: the least one and the broader writes.
    for (const role of ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All']) {
      expect((await graphCall(fixture, 'POST', path, { token: mint([role]) })).status).toBe(200);
    }
    expect((await graphCall(fixture, 'POST', path, { token: null })).status).toBe(401);
  });

  it('404s an unknown user with the directory error', async () => {
    const reply = await graphCall(
      fixture,
      'POST',
      '/users/nobody@contoso.onmicrosoft.com/revokeSignInSessions',
    );
    expect([reply.status, errorOf(reply).code]).toEqual([404, 'Request_ResourceNotFound']);
  });

  it('runs as a batch step and as a dependant of a per-user MFA change', async () => {
    const reply = await graphCall(fixture, 'POST', '/$batch', {
      version: 'beta',
      body: {
        requests: [
          {
            id: 'mfa',
            method: 'PATCH',
            url: `/users/${patti.id}/authentication/requirements`,
            headers: { 'Content-Type': 'application/json' },
            body: { perUserMfaState: 'disabled' },
          },
          {
            id: 'revoke',
            method: 'POST',
            url: `/users/${patti.id}/revokeSignInSessions`,
            // A write step needs body and Content-Type even without parameters (json-batching).
            headers: { 'Content-Type': 'application/json' },
            body: {},
            dependsOn: ['mfa'],
          },
        ],
      },
    });
    const responses = (reply.body as { responses: { id: string; status: number; body?: unknown }[] })
      .responses;
    expect(responses.map((step) => [step.id, step.status])).toEqual([
      ['mfa', 204],
      ['revoke', 200],
    ]);
    expect(responses[1]?.body).toMatchObject({ value: true });
    expect(liveUser(fixture, patti)).toMatchObject({ perUserMfaState: 'disabled' });
    expect(liveUser(fixture, patti).signInSessionsValidFromDateTime).toBeDefined();
  });
});
