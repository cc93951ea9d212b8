import { describe, expect, it } from 'vitest';

import type { UserSeed } from '../../local/graph';
import { demoSeed } from '../support/demo-tenant';
import { useGraphSimulator } from '../support/graph-fixture';
import { errorOf, graphCall, liveMethods, liveUser, methodOf, users } from '../support/recovery-seed';

// Per-type method deletion (e.g. phoneauthenticationmethod-delete): 204, the default-method
// rule, the mobile/alternate-mobile rule, Windows Hello keys that need MFA, refused paths.

const fixture = useGraphSimulator({ resetAfterEach: true });
const { adele, diego, isaiah, johanna, megan, patti, grady } = users;

const DEFAULT_REFUSAL =
  'Cannot delete default method with other methods configured. Please change default method before deletion.';

const del = (userId: string, rest: string, options: Parameters<typeof graphCall>[3] = {}) =>
  graphCall(fixture, 'DELETE', `/users/${userId}/authentication/${rest}`, options);

const has = (user: UserSeed, id: string) => liveMethods(fixture, user).some((method) => method.id === id);

describe('DELETE /users/{user}/authentication/<type>Methods/{id}', () => {
  it('removes a method of each type with 204 and no body, in v1.0 and beta', async () => {
    const cases: [string, string, 'v1.0' | 'beta'][] = [
      [`emailMethods/${methodOf(adele, 'email').id}`, methodOf(adele, 'email').id, 'v1.0'],
      [`fido2Methods/${methodOf(adele, 'fido2').id}`, methodOf(adele, 'fido2').id, 'beta'],
      [
        `softwareOathMethods/${methodOf(adele, 'softwareOath').id}`,
        methodOf(adele, 'softwareOath').id,
        'v1.0',
      ],
    ];
    for (const [path, id, version] of cases) {
      const reply = await del(adele.id, path, { version });
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
      expect(has(adele, id)).toBe(false);
    }
    for (const [collection, type] of [
      ['microsoftAuthenticatorMethods', 'microsoftAuthenticator'],
      ['platformCredentialMethods', 'platformCredential'],
      ['windowsHelloForBusinessMethods', 'windowsHelloForBusiness'],
      ['temporaryAccessPassMethods', 'temporaryAccessPass'],
    ] as const) {
      const id = methodOf(diego, type).id;
      expect((await del(diego.id, `${collection}/${id}`)).status).toBe(204);
      expect(has(diego, id)).toBe(false);
    }
  });

  it('takes the user by UPN and ids in any case', async () => {
    const id = methodOf(adele, 'fido2').id;
    expect((await del(adele.userPrincipalName, `fido2Methods/${id.toUpperCase()}`)).status).toBe(204);
    expect(has(adele, id)).toBe(false);
  });

  it("answers 404 itemNotFound for an id the user doesn't have in that collection, and for an unknown user", async () => {
    const fido2 = methodOf(adele, 'fido2').id;
    const wrongCollection = await del(adele.id, `softwareOathMethods/${fido2}`);
    expect(wrongCollection.status).toBe(404);
    expect(errorOf(wrongCollection).code).toBe('itemNotFound');
    expect(has(adele, fido2)).toBe(true);
    expect((await del(grady.id, `fido2Methods/${fido2}`)).status).toBe(404);
    const nobody = await del('nobody@contoso.onmicrosoft.com', `fido2Methods/${fido2}`);
    expect(nobody.status).toBe(404);
    expect(errorOf(nobody).code).toBe('itemNotFound');
  });

  it('serves hardware OATH on beta only', async () => {
    const token = methodOf(diego, 'hardwareOath').id;
    // Through v1.0, a write to a beta-only path answers 405 (json-batching doc, request 4).
    expect((await del(diego.id, `hardwareOathMethods/${token}`)).status).toBe(405);
    expect((await del(diego.id, `hardwareOathMethods/${token}`, { version: 'beta' })).status).toBe(204);
    expect(has(diego, token)).toBe(false);
  });

  it('deletes the QR code + PIN method in v1.0 and beta (qrcodepinauthenticationmethod-delete), 404 once gone', async () => {
    for (const version of ['v1.0', 'beta'] as const) {
      fixture.simulator.reset();
      const qr = methodOf(patti, 'qrCodePin').id;
      expect((await del(patti.id, 'qrCodePinMethod', { version })).status, version).toBe(204);
      expect(has(patti, qr)).toBe(false);
      const again = await del(patti.id, 'qrCodePinMethod', { version });
      expect([again.status, errorOf(again).code]).toEqual([404, 'itemNotFound']);
    }
    const readOnly = fixture.identity.mintToken({ roles: ['UserAuthMethod-QR.Read.All'] }).accessToken;
    expect((await del(patti.id, 'qrCodePinMethod', { token: readOnly })).status).toBe(403);
  });

  it('deletes a legacy passwordless Authenticator of another user with the Authenticator permission (its page)', async () => {
    const id = methodOf(diego, 'passwordlessMicrosoftAuthenticator').id;
    const path = `passwordlessMicrosoftAuthenticatorMethods/${id}`;
    const emailOnly = fixture.identity.mintToken({ roles: ['UserAuthMethod-Email.ReadWrite.All'] });
    const refused = await del(diego.id, path, { version: 'beta', token: emailOnly.accessToken });
    expect([refused.status, errorOf(refused).code]).toEqual([403, 'Authorization_RequestDenied']);
    const authApp = fixture.identity.mintToken({ roles: ['UserAuthMethod-MicrosoftAuthApp.ReadWrite.All'] });
    expect((await del(diego.id, path, { version: 'beta', token: authApp.accessToken })).status).toBe(204);
  });

  it('refuses the password (not deletable) and the generic methods path with 405', async () => {
    const password = methodOf(adele, 'password').id;
    for (const path of [`passwordMethods/${password}`, `methods/${methodOf(adele, 'fido2').id}`]) {
      const reply = await del(adele.id, path);
      expect(reply.status).toBe(405);
      expect(errorOf(reply).message).toBe('Specified HTTP method is not allowed for the request target.');
    }
    expect(has(adele, password)).toBe(true);
  });

  it("needs the type's write permission: the read permission, another type's, or none is 403; no token is 401", async () => {
    const id = methodOf(adele, 'fido2').id;
    const mint = (roles: string[]) => fixture.identity.mintToken({ roles }).accessToken;
    for (const roles of [
      ['UserAuthenticationMethod.Read.All', 'UserAuthMethod-Passkey.Read.All'],
      ['UserAuthMethod-SoftwareOATH.ReadWrite.All'],
      [],
    ]) {
      const reply = await del(adele.id, `fido2Methods/${id}`, { token: mint(roles) });
      expect([reply.status, errorOf(reply).code]).toEqual([403, 'Authorization_RequestDenied']);
    }
    const anonymous = await del(adele.id, `fido2Methods/${id}`, { token: null });
    expect([anonymous.status, errorOf(anonymous).code]).toEqual([401, 'InvalidAuthenticationToken']);
    expect(has(adele, id)).toBe(true);
    expect(
      (await del(adele.id, `fido2Methods/${id}`, { token: mint(['UserAuthMethod-Passkey.ReadWrite.All']) }))
        .status,
    ).toBe(204);
  });
});

describe('GET /users/{user}/authentication/<type>Methods[/{id}]', () => {
  const get = (userId: string, rest: string, options: Parameters<typeof graphCall>[3] = {}) =>
    graphCall(fixture, 'GET', `/users/${userId}/authentication/${rest}`, options);
  const TYPES = [
    ['passwordMethods', 'password', 'passwordAuthenticationMethod'],
    ['emailMethods', 'email', 'emailAuthenticationMethod'],
    ['fido2Methods', 'fido2', 'fido2AuthenticationMethod'],
    ['microsoftAuthenticatorMethods', 'microsoftAuthenticator', 'microsoftAuthenticatorAuthenticationMethod'],
    ['softwareOathMethods', 'softwareOath', 'softwareOathAuthenticationMethod'],
    [
      'windowsHelloForBusinessMethods',
      'windowsHelloForBusiness',
      'windowsHelloForBusinessAuthenticationMethod',
    ],
    ['platformCredentialMethods', 'platformCredential', 'platformCredentialAuthenticationMethod'],
  ] as const;

  it("lists and gets each type's methods with @odata.type and @odata.context, in v1.0 and beta", async () => {
    for (const version of ['v1.0', 'beta'] as const) {
      for (const [collection, type, odataType] of TYPES) {
        const method = methodOf(diego, type);
        const list = await get(diego.id, collection, { version });
        expect(list.status).toBe(200);
        expect(list.body).toMatchObject({
          '@odata.context': `https://graph.microsoft.com/${version}/$metadata#users('${diego.id}')/authentication/${collection}`,
          value: [{ '@odata.type': `#microsoft.graph.${odataType}`, id: method.id }],
        });
        const one = await get(diego.id, `${collection}/${method.id}`, { version });
        expect(one.status).toBe(200);
        expect(one.body).toMatchObject({
          '@odata.context': `https://graph.microsoft.com/${version}/$metadata#users('${diego.id}')/authentication/${collection}/$entity`,
          '@odata.type': `#microsoft.graph.${odataType}`,
          id: method.id,
        });
      }
    }
    const email = await get(adele.id, `emailMethods/${methodOf(adele, 'email').id}`);
    expect(email.body).toMatchObject({ emailAddress: methodOf(adele, 'email').emailAddress });
  });

  it("returns each type's own properties under the schema's names (Microsoft's OpenAPI subsets)", async () => {
    const one = async (collection: string, id: string, version: 'v1.0' | 'beta' = 'v1.0') =>
      (await get(diego.id, `${collection}/${id}`, { version })).body as Record<string, unknown>;
    const fido2 = await one('fido2Methods', methodOf(diego, 'fido2').id);
    for (const name of ['aaGuid', 'attestationCertificates', 'attestationLevel', 'displayName', 'model']) {
      expect(fido2).toHaveProperty(name);
    }
    expect(['deviceBound', 'synced']).toContain(fido2.passkeyType);
    // The doc examples' creationDateTime is not in the schema: createdDateTime is.
    expect(fido2).toHaveProperty('createdDateTime');
    expect(fido2).not.toHaveProperty('creationDateTime');
    const authenticator = methodOf(diego, 'microsoftAuthenticator').id;
    const v1Authenticator = await one('microsoftAuthenticatorMethods', authenticator);
    expect(Object.keys(v1Authenticator)).toEqual(
      expect.arrayContaining(['deviceTag', 'displayName', 'phoneAppVersion']),
    );
    expect(v1Authenticator).not.toHaveProperty('clientAppName');
    expect(await one('microsoftAuthenticatorMethods', authenticator, 'beta')).toHaveProperty('clientAppName');
    expect(await one('softwareOathMethods', methodOf(diego, 'softwareOath').id)).toMatchObject({
      secretKey: null,
    });
    const hello = await one('windowsHelloForBusinessMethods', methodOf(diego, 'windowsHelloForBusiness').id);
    expect(['normal', 'weak', 'unknown']).toContain(hello.keyStrength);
    expect(hello).toHaveProperty('displayName');
    const platform = await one('platformCredentialMethods', methodOf(diego, 'platformCredential').id);
    expect(Object.keys(platform)).toEqual(expect.arrayContaining(['displayName', 'keyStrength', 'platform']));
    expect(await one('passwordMethods', '28c10230-6103-485e-b985-444c60001490')).toMatchObject({
      password: null,
    });
    // "The ID is always 3ddfcfc8-9383-446f-83cc-3ab9be4be18f" (emailAuthenticationMethod resource).
    expect(await one('emailMethods', '3ddfcfc8-9383-446f-83cc-3ab9be4be18f')).toMatchObject({
      '@odata.type': '#microsoft.graph.emailAuthenticationMethod',
      emailAddress: methodOf(diego, 'email').emailAddress,
    });
  });

  it('gets any listed method through /methods/{id}, with its @odata.type; beta-only types only on beta', async () => {
    const fido2 = methodOf(adele, 'fido2').id;
    const one = await get(adele.userPrincipalName, `methods/${fido2.toUpperCase()}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${adele.userPrincipalName}')/authentication/methods/$entity`,
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: fido2,
    });
    const token = methodOf(isaiah, 'hardwareOath').id;
    const hidden = await get(isaiah.id, `methods/${token}`);
    expect([hidden.status, errorOf(hidden).code]).toEqual([404, 'itemNotFound']);
    expect((await get(isaiah.id, `methods/${token}`, { version: 'beta' })).status).toBe(200);
    const elsewhere = await get(grady.id, `methods/${fido2}`);
    expect([elsewhere.status, errorOf(elsewhere).code]).toEqual([404, 'itemNotFound']);
  });

  it('answers 400 for a system segment where a method id goes (…/methods/$count, observed)', async () => {
    for (const path of ['methods/$count', 'fido2Methods/$count', 'phoneMethods/$count']) {
      const reply = await get(adele.id, path);
      expect([reply.status, errorOf(reply).code], path).toEqual([400, 'BadRequest']);
      expect(errorOf(reply).message).toBe("Resource not found for the segment '$count'.");
    }
  });

  it('serves hardware OATH tokens on beta only, and the QR code + PIN method in v1.0 and beta', async () => {
    const token = methodOf(isaiah, 'hardwareOath').id;
    expect((await get(isaiah.id, `hardwareOathMethods/${token}`)).status).toBe(400);
    const one = await get(isaiah.id, `hardwareOathMethods/${token}`, { version: 'beta' });
    expect(one.body).toMatchObject({
      '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethod',
      id: token,
    });
    // qrcodepinauthenticationmethod-get exists in v1.0 as well as beta.
    for (const version of ['v1.0', 'beta'] as const) {
      const qr = await get(patti.id, 'qrCodePinMethod', { version });
      expect(qr.body, version).toMatchObject({
        '@odata.context': `https://graph.microsoft.com/${version}/$metadata#users('${patti.id}')/authentication/qrCodePinMethod/$entity`,
        '@odata.type': '#microsoft.graph.qrCodePinAuthenticationMethod',
        id: methodOf(patti, 'qrCodePin').id,
      });
      const none = await get(adele.id, 'qrCodePinMethod', { version });
      expect([none.status, errorOf(none).code]).toEqual([404, 'itemNotFound']);
    }
    const qrRead = fixture.identity.mintToken({ roles: ['UserAuthMethod-QR.Read.All'] }).accessToken;
    expect((await get(patti.id, 'qrCodePinMethod', { token: qrRead })).status).toBe(200);
    const phoneRead = fixture.identity.mintToken({ roles: ['UserAuthMethod-Phone.Read.All'] }).accessToken;
    expect((await get(patti.id, 'qrCodePinMethod', { token: phoneRead })).status).toBe(403);
  });

  it("answers 404 itemNotFound for another type's id, another user's id and an unknown user; an empty list for none", async () => {
    const fido2 = methodOf(adele, 'fido2').id;
    for (const [userId, path] of [
      [adele.id, `softwareOathMethods/${fido2}`],
      [grady.id, `fido2Methods/${fido2}`],
      ['nobody@contoso.onmicrosoft.com', `fido2Methods/${fido2}`],
      ['nobody@contoso.onmicrosoft.com', 'fido2Methods'],
    ]) {
      const reply = await get(userId ?? '', path ?? '');
      expect([reply.status, errorOf(reply).code]).toEqual([404, 'itemNotFound']);
    }
    expect((await get(grady.id, 'fido2Methods')).body).toMatchObject({ value: [] });
  });

  it("takes the type's read permission or the general ones; FIDO2 lists take UserAuthenticationMethod.Read.All (docs' table)", async () => {
    const mint = (roles: string[]) => fixture.identity.mintToken({ roles }).accessToken;
    const list = (roles: string[]) => get(adele.id, 'fido2Methods', { token: mint(roles) });
    for (const roles of [
      ['UserAuthMethod-Passkey.Read.All'],
      ['UserAuthMethod-Passkey.ReadWrite.All'],
      ['UserAuthenticationMethod.Read.All'],
      ['UserAuthenticationMethod.ReadWrite.All'],
    ]) {
      expect((await list(roles)).status).toBe(200);
    }
    expect((await list(['UserAuthMethod-Email.Read.All'])).status).toBe(403);
    const email = `emailMethods/${methodOf(adele, 'email').id}`;
    expect((await get(adele.id, email, { token: mint(['UserAuthMethod-Email.Read.All']) })).status).toBe(200);
    expect((await get(adele.id, email, { token: mint(['User.Read.All']) })).status).toBe(403);
  });
});

describe("writes Graph has and lacks (Microsoft's OpenAPI subsets)", () => {
  const call = (method: string, rest: string, version: 'v1.0' | 'beta' = 'v1.0') =>
    graphCall(fixture, method, `/users/${adele.id}/authentication/${rest}`, {
      version,
      ...(['POST', 'PATCH', 'PUT'].includes(method) ? { body: {} } : {}),
    });

  it('answers 501, not 405 or 400, for documented writes outside the OpenAPI subsets', async () => {
    // emailauthenticationmethod-update, authentication-post-fido2methods (v1.0 and beta), and the
    // v1.0 externalAuthenticationMethods collection (resources/externalauthenticationmethod).
    for (const [method, rest, version] of [
      ['PATCH', `emailMethods/${methodOf(adele, 'email').id}`, 'v1.0'],
      ['PATCH', `emailMethods/${methodOf(adele, 'email').id}`, 'beta'],
      ['POST', 'fido2Methods', 'v1.0'],
      ['POST', 'fido2Methods', 'beta'],
      ['GET', 'externalAuthenticationMethods', 'v1.0'],
      ['DELETE', 'externalAuthenticationMethods/0a1b2c3d-0000-4000-8000-000000000001', 'beta'],
      // hardwareoathauthenticationmethod-assignandactivate and -activate (beta)
      ['POST', 'hardwareOathMethods/assignAndActivate', 'beta'],
      ['POST', `hardwareOathMethods/${methodOf(diego, 'hardwareOath').id}/activate`, 'beta'],
      // authenticationmethod-resetpassword (v1.0 and beta)
      ['POST', `methods/${methodOf(adele, 'password').id}/resetPassword`, 'v1.0'],
      // authentication-put-qrcodepinmethod (v1.0 and beta)
      ['PUT', 'qrCodePinMethod', 'v1.0'],
    ] as const) {
      const reply = await call(method, rest, version);
      expect([reply.status, errorOf(reply).code], `${method} ${version} ${rest}`).toEqual([
        501,
        'notImplemented',
      ]);
    }
  });

  it('answers 405 for the writes the schema rules out (not insertable, not updatable)', async () => {
    for (const [method, rest] of [
      ['POST', 'microsoftAuthenticatorMethods'],
      ['PATCH', `microsoftAuthenticatorMethods/${methodOf(adele, 'microsoftAuthenticator').id}`],
      ['PATCH', `fido2Methods/${methodOf(adele, 'fido2').id}`],
      ['POST', 'softwareOathMethods'],
      ['POST', 'windowsHelloForBusinessMethods'],
      ['POST', 'platformCredentialMethods'],
      ['PATCH', `passwordMethods/${methodOf(adele, 'password').id}`],
      ['PATCH', `temporaryAccessPassMethods/${methodOf(diego, 'temporaryAccessPass').id}`],
    ] as const) {
      const reply = await call(method, rest);
      expect(reply.status, `${method} ${rest}`).toBe(405);
    }
  });
});

describe('the default method', () => {
  it('refuses to delete the default while other methods that could be the default remain (observed 400 badRequest)', async () => {
    // Adele: default push → her Authenticator; she also has phones and a software OATH token.
    const authenticator = methodOf(adele, 'microsoftAuthenticator').id;
    const reply = await del(adele.id, `microsoftAuthenticatorMethods/${authenticator}`);
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatchObject({
      code: 'badRequest',
      message: DEFAULT_REFUSAL,
      innerError: { message: DEFAULT_REFUSAL },
    });
    expect(has(adele, authenticator)).toBe(true);
  });

  it('maps each default value to its method: sms → mobile, voiceMobile → mobile, oath → OATH token', async () => {
    const mobile = methodOf(diego, 'phone', (phone) => phone.phoneType === 'mobile').id;
    expect(errorOf(await del(diego.id, `phoneMethods/${mobile}`)).message).toBe(DEFAULT_REFUSAL); // sms
    const pattiMobile = methodOf(patti, 'phone', (phone) => phone.phoneType === 'mobile').id;
    expect(errorOf(await del(patti.id, `phoneMethods/${pattiMobile}`)).message).toBe(DEFAULT_REFUSAL); // voiceMobile
    const token = methodOf(isaiah, 'hardwareOath').id;
    expect(errorOf(await del(isaiah.id, `hardwareOathMethods/${token}`, { version: 'beta' })).message).toBe(
      DEFAULT_REFUSAL,
    ); // oath
  });

  it('lets non-default methods go in any order, then the default once it is the last method that could be one', async () => {
    // Adele: delete everything but the Authenticator (default push), then the Authenticator.
    const order: [string, string][] = [
      ['phoneMethods', methodOf(adele, 'phone', (phone) => phone.phoneType === 'office').id],
      ['phoneMethods', methodOf(adele, 'phone', (phone) => phone.phoneType === 'mobile').id],
      ['softwareOathMethods', methodOf(adele, 'softwareOath').id],
    ];
    const authenticator = `microsoftAuthenticatorMethods/${methodOf(adele, 'microsoftAuthenticator').id}`;
    for (const [collection, id] of order) {
      expect((await del(adele.id, authenticator)).status).toBe(400);
      expect((await del(adele.id, `${collection}/${id}`)).status).toBe(204);
    }
    // Email and FIDO2 remain: they can't be a default, so they don't hold the default back.
    expect(liveMethods(fixture, adele).map((m) => m.type)).toEqual([
      'password',
      'email',
      'microsoftAuthenticator',
      'fido2',
    ]);
    expect((await del(adele.id, authenticator)).status).toBe(204);
    // No method provides "push" any more: the default is cleared.
    expect(
      liveUser(fixture, adele).signInPreferences?.userPreferredMethodForSecondaryAuthentication,
    ).toBeNull();
  });

  it("deletes a user's only phone even when it is the default", async () => {
    const mobile = methodOf(johanna, 'phone').id;
    expect((await del(johanna.id, `phoneMethods/${mobile}`)).status).toBe(204);
    expect(liveMethods(fixture, johanna).map((m) => m.type)).toEqual(['password']);
  });

  it('is not the default while another method provides the same default (a second OATH token)', async () => {
    // Isaiah: default oath → his hardware token. Give him a software token too.
    const state = fixture.simulator.state();
    const live = state.users.find((user) => user.id === isaiah.id);
    live?.authenticationMethods.push({ type: 'softwareOath', id: 'a0c4b2de-1f3e-4a5b-8c6d-7e8f9a0b1c2d' });
    fixture.simulator.reset(state);
    const token = methodOf(isaiah, 'hardwareOath').id;
    expect((await del(isaiah.id, `hardwareOathMethods/${token}`, { version: 'beta' })).status).toBe(204);
    expect(liveUser(fixture, isaiah).signInPreferences?.userPreferredMethodForSecondaryAuthentication).toBe(
      'oath',
    );
  });
});

describe('phones and Windows Hello', () => {
  it('refuses to delete the mobile while an alternate mobile exists', async () => {
    // Isaiah's default is oath, so only the alternate-mobile rule applies to his mobile.
    const mobile = methodOf(isaiah, 'phone', (phone) => phone.phoneType === 'mobile').id;
    const reply = await del(isaiah.id, `phoneMethods/${mobile}`);
    expect([reply.status, errorOf(reply).code]).toEqual([400, 'badRequest']);
    expect(errorOf(reply).message).toContain('alternate mobile');
    const alternate = methodOf(isaiah, 'phone', (phone) => phone.phoneType === 'alternateMobile').id;
    expect((await del(isaiah.id, `phoneMethods/${alternate}`)).status).toBe(204);
  });

  it("refuses a Windows Hello key the seed marks as needing MFA, with the device service's body passed through", async () => {
    const locked = methodOf(patti, 'windowsHelloForBusiness', (key) => key.deleteRequiresMfa === true).id;
    const reply = await del(patti.id, `windowsHelloForBusinessMethods/${locked}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      'odata.error': {
        code: 'invalid_request',
        message: { lang: 'en', value: "MFA is required for a 'RemoveKey' operation, but was not performed." },
      },
    });
    expect(has(patti, locked)).toBe(true);
    const other = methodOf(patti, 'windowsHelloForBusiness', (key) => key.deleteRequiresMfa !== true).id;
    expect((await del(patti.id, `windowsHelloForBusinessMethods/${other}`)).status).toBe(204);
    expect(
      (await del(megan.id, `windowsHelloForBusinessMethods/${methodOf(megan, 'windowsHelloForBusiness').id}`))
        .status,
    ).toBe(204);
  });
});

describe('seed rules for these methods', () => {
  it('refuses a second QR code + PIN method or a second phone of one type', () => {
    const twice = (add: (user: UserSeed) => void) => {
      const seed = structuredClone(demoSeed());
      const user = seed.users.find((candidate) => candidate.id === patti.id);
      if (user !== undefined) add(user);
      return () => fixture.simulator.reset(seed);
    };
    expect(
      twice((user) =>
        user.authenticationMethods.push({ type: 'qrCodePin', id: 'c0ffee00-0000-4000-8000-000000000001' }),
      ),
    ).toThrow(/at most one QR code/);
    const mobile = methodOf(patti, 'phone', (phone) => phone.phoneType === 'mobile');
    expect(twice((user) => user.authenticationMethods.push({ ...mobile }))).toThrow(
      /one phone per phoneType/,
    );
  });
});

interface StepResponse {
  id: string;
  status: number;
  body?: { error?: { code: string; message: string } };
}

describe('deletions as $batch steps', () => {
  it('runs DELETE steps with dependsOn, and fails the dependants of a refused DELETE with 424', async () => {
    const office = methodOf(diego, 'phone', (phone) => phone.phoneType === 'office').id;
    const mobile = methodOf(diego, 'phone', (phone) => phone.phoneType === 'mobile').id;
    const fido2 = methodOf(diego, 'fido2').id;
    const base = `/users/${diego.id}/authentication`;
    const reply = await graphCall(fixture, 'POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'DELETE', url: `${base}/phoneMethods/${office}` },
          { id: '2', method: 'DELETE', url: `${base}/phoneMethods/${mobile}`, dependsOn: ['1'] },
          { id: '3', method: 'DELETE', url: `${base}/fido2Methods/${fido2}`, dependsOn: ['2'] },
          { id: '4', method: 'GET', url: `${base}/methods`, dependsOn: ['3'] },
        ],
      },
    });
    expect(reply.status).toBe(200);
    const responses = (reply.body as { responses: StepResponse[] }).responses;
    expect(responses.map((step) => [step.id, step.status])).toEqual([
      ['1', 204],
      ['2', 400],
      ['3', 424],
      ['4', 424],
    ]);
    expect(responses[0]?.body).toBeUndefined();
    expect(responses[1]?.body?.error).toMatchObject({ code: 'badRequest', message: DEFAULT_REFUSAL });
    expect(has(diego, office)).toBe(false);
    expect(has(diego, mobile)).toBe(true);
    expect(has(diego, fido2)).toBe(true); // never ran
    expect(
      fixture.simulator
        .requests()
        .filter((entry) => entry.inBatch)
        .map((entry) => [entry.batchStepId, entry.status]),
    ).toEqual([
      ['1', 204],
      ['2', 400],
    ]);
  });

  it('checks each DELETE step against its own permission', async () => {
    const token = fixture.identity.mintToken({ roles: ['UserAuthMethod-Passkey.ReadWrite.All'] }).accessToken;
    const base = `/users/${adele.id}/authentication`;
    const reply = await graphCall(fixture, 'POST', '/$batch', {
      token,
      body: {
        requests: [
          { id: 'key', method: 'DELETE', url: `${base}/fido2Methods/${methodOf(adele, 'fido2').id}` },
          {
            id: 'oath',
            method: 'DELETE',
            url: `${base}/softwareOathMethods/${methodOf(adele, 'softwareOath').id}`,
          },
        ],
      },
    });
    const responses = (reply.body as { responses: StepResponse[] }).responses;
    expect(responses.map((step) => [step.id, step.status])).toEqual([
      ['key', 204],
      ['oath', 403],
    ]);
  });
});
