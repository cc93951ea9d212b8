import { describe, expect, it } from 'vitest';

import { PHONE_METHOD_IDS } from '../../local/graph';
import { useGraphSimulator } from '../support/graph-fixture';
import { errorOf, graphCall, liveMethods, methodOf, users } from '../support/recovery-seed';

// Phone methods and SMS sign-in (resources/phoneauthenticationmethod,
// phoneauthenticationmethod-enablesmssignin): fixed ids, one phone per type, the number format,
// alternate mobile needs a mobile, SMS sign-in registration by policy.
// The demo SMS policy enables the "All Staff" group (nested groups count) and excludes Megan.

const fixture = useGraphSimulator({ resetAfterEach: true });
const { adele, diego, grady, guest, megan, dollar, isaiah, patti } = users;

const phones = (userId: string, rest = '', options: Parameters<typeof graphCall>[3] = {}) =>
  graphCall(
    fixture,
    options.body === undefined ? 'GET' : 'POST',
    `/users/${userId}/authentication/phoneMethods${rest}`,
    options,
  );
const add = (userId: string, body: unknown, options: Parameters<typeof graphCall>[3] = {}) =>
  phones(userId, '', { ...options, body });
const patch = (userId: string, id: string, body: unknown) =>
  graphCall(fixture, 'PATCH', `/users/${userId}/authentication/phoneMethods/${id}`, { body });
const action = (userId: string, id: string, name: 'enableSmsSignIn' | 'disableSmsSignIn') =>
  graphCall(fixture, 'POST', `/users/${userId}/authentication/phoneMethods/${id}/${name}`);
const livePhone = (user: typeof adele, id: string) =>
  liveMethods(fixture, user).find((method) => method.id === id);

const diegoMobile = methodOf(diego, 'phone', (phone) => phone.phoneType === 'mobile');

describe('GET phoneMethods', () => {
  it('lists only phones, with a context URL for the key as given', async () => {
    const reply = await phones(diego.userPrincipalName);
    expect(reply.status).toBe(200);
    const body = reply.body as { '@odata.context': string; value: { id: string; phoneType: string }[] };
    expect(body['@odata.context']).toBe(
      `https://graph.microsoft.com/v1.0/$metadata#users('${diego.userPrincipalName}')/authentication/phoneMethods`,
    );
    expect(body.value.map((phone) => [phone.id, phone.phoneType])).toEqual([
      [PHONE_METHOD_IDS.mobile, 'mobile'],
      [PHONE_METHOD_IDS.alternateMobile, 'alternateMobile'],
      [PHONE_METHOD_IDS.office, 'office'],
    ]);
    expect((await phones(grady.id)).body).toMatchObject({ value: [] });
  });

  it('gets one phone by its fixed id, 404 for a type the user lacks', async () => {
    const reply = await phones(diego.id, `/${diegoMobile.id}`);
    expect(reply.body).toMatchObject({
      '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
      id: diegoMobile.id,
      phoneNumber: diegoMobile.phoneNumber,
      phoneType: 'mobile',
      smsSignInState: 'ready',
    });
    const missing = await phones(grady.id, `/${PHONE_METHOD_IDS.mobile}`);
    expect([missing.status, errorOf(missing).code]).toEqual([404, 'itemNotFound']);
  });

  it('reads with UserAuthMethod-Phone.Read.All, and refuses a token with no phone permission', async () => {
    const read = fixture.identity.mintToken({ roles: ['UserAuthMethod-Phone.Read.All'] }).accessToken;
    expect((await phones(diego.id, '', { token: read })).status).toBe(200);
    const other = fixture.identity.mintToken({ roles: ['UserAuthMethod-Email.Read.All'] }).accessToken;
    expect((await phones(diego.id, '', { token: other })).status).toBe(403);
  });
});

describe('POST phoneMethods', () => {
  it('adds a phone with its fixed id and 201', async () => {
    const reply = await add(grady.id, { phoneNumber: '+1 3095550104x77', phoneType: 'office' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      id: PHONE_METHOD_IDS.office,
      phoneNumber: '+1 3095550104x77',
      phoneType: 'office',
      smsSignInState: 'notSupported',
    });
    expect(livePhone(grady, PHONE_METHOD_IDS.office)).toMatchObject({ phoneType: 'office' });
  });

  it('registers a new mobile for SMS sign-in when the policy enables the user (nested group membership counts)', async () => {
    const reply = await add(grady.id, { phoneNumber: '+1 3095550104', phoneType: 'mobile' });
    expect(reply.body).toMatchObject({ id: PHONE_METHOD_IDS.mobile, smsSignInState: 'ready' });
    // $AlexW is in "Sales and Marketing", which is in "All Staff".
    expect((await add(dollar.id, { phoneNumber: '+1 8585550111', phoneType: 'mobile' })).body).toMatchObject({
      smsSignInState: 'ready',
    });
  });

  it('gives notAllowedByPolicy outside the policy, phoneNumberNotUnique for a number someone signs in with', async () => {
    const lee = await add('LeeG@contoso.onmicrosoft.com', {
      phoneNumber: '+1 5555550100',
      phoneType: 'mobile',
    });
    expect(lee.body).toMatchObject({ smsSignInState: 'notAllowedByPolicy' });
    const taken = await add(grady.id, { phoneNumber: diegoMobile.phoneNumber, phoneType: 'mobile' });
    expect([taken.status, (taken.body as { smsSignInState: string }).smsSignInState]).toEqual([
      201,
      'phoneNumberNotUnique',
    ]);
  });

  it('refuses a second phone of a type, an alternate mobile without a mobile, and then accepts it after one', async () => {
    const second = await add(adele.id, { phoneNumber: '+1 4255550111', phoneType: 'mobile' });
    expect([second.status, errorOf(second).code]).toEqual([400, 'badRequest']);
    const alternate = { phoneNumber: '+1 3095550199', phoneType: 'alternateMobile' };
    expect((await add(grady.id, alternate)).status).toBe(400);
    expect((await add(grady.id, { phoneNumber: '+1 3095550104', phoneType: 'mobile' })).status).toBe(201);
    const added = await add(grady.id, alternate);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      id: PHONE_METHOD_IDS.alternateMobile,
      smsSignInState: 'notSupported',
    });
  });

  it('refuses numbers outside "+{cc} {number}x{ext}", a missing field, an unknown type and smsSignInState', async () => {
    for (const body of [
      { phoneNumber: '3095550104', phoneType: 'mobile' },
      { phoneNumber: '+1 (309) 555-0104', phoneType: 'mobile' },
      { phoneNumber: '+13095550104', phoneType: 'mobile' },
      { phoneNumber: '+1 3095550104 x12', phoneType: 'mobile' },
      { phoneNumber: '+1 3095550104' },
      { phoneType: 'mobile' },
      { phoneNumber: '+1 3095550104', phoneType: null },
      { phoneNumber: '+1 3095550104', phoneType: 'mobile', smsSignInState: 'ready' },
    ]) {
      const reply = await add(grady.id, body);
      expect([reply.status, errorOf(reply).code], JSON.stringify(body)).toEqual([400, 'badRequest']);
    }
    // A type outside the OpenAPI enum is refused before the service sees it.
    const pager = await add(grady.id, { phoneNumber: '+1 3095550104', phoneType: 'pager' });
    expect([pager.status, errorOf(pager).code, errorOf(pager).message]).toEqual([
      400,
      'BadRequest',
      'Property phoneType in payload has a value that does not match schema.',
    ]);
    const notJson = await phones(grady.id, '', { body: '{"phoneNumber":' });
    expect(notJson.status).toBe(400);
    expect(liveMethods(fixture, grady).some((method) => method.type === 'phone')).toBe(false);
  });

  it('needs a phone write permission: Phone.Read.All is 403', async () => {
    const read = fixture.identity.mintToken({ roles: ['UserAuthMethod-Phone.Read.All'] }).accessToken;
    const body = { phoneNumber: '+1 3095550104', phoneType: 'mobile' };
    expect((await add(grady.id, body, { token: read })).status).toBe(403);
    const write = fixture.identity.mintToken({ roles: ['UserAuthMethod-Phone.ReadWrite.All'] }).accessToken;
    expect((await add(grady.id, body, { token: write })).status).toBe(201);
  });
});

describe('PATCH phoneMethods/{id}', () => {
  it('changes the number (204) and registers a changed mobile for SMS sign-in again', async () => {
    // Isaiah's mobile is notEnabled; a new number is registered.
    const mobile = methodOf(isaiah, 'phone', (phone) => phone.phoneType === 'mobile').id;
    const reply = await patch(isaiah.id, mobile, { phoneNumber: '+1 9185550142', phoneType: 'mobile' });
    expect([reply.status, reply.text]).toEqual([204, '']);
    expect(livePhone(isaiah, mobile)).toMatchObject({
      phoneNumber: '+1 9185550142',
      smsSignInState: 'ready',
    });
  });

  it("keeps the state when the number doesn't change, and refuses a type change or a bad number", async () => {
    const mobile = methodOf(isaiah, 'phone', (phone) => phone.phoneType === 'mobile');
    expect((await patch(isaiah.id, mobile.id, { phoneNumber: mobile.phoneNumber })).status).toBe(204);
    expect(livePhone(isaiah, mobile.id)).toMatchObject({ smsSignInState: 'notEnabled' });
    expect((await patch(isaiah.id, mobile.id, { phoneType: 'office' })).status).toBe(400);
    expect((await patch(isaiah.id, mobile.id, { phoneNumber: '918-555-0142' })).status).toBe(400);
    expect((await patch(isaiah.id, mobile.id, { smsSignInState: 'ready' })).status).toBe(400);
    expect((await patch(grady.id, PHONE_METHOD_IDS.mobile, { phoneNumber: '+1 3095550104' })).status).toBe(
      404,
    );
  });

  it('replaces the mobile while an alternate exists (the documented way to "delete" it)', async () => {
    const reply = await patch(diego.id, diegoMobile.id, { phoneNumber: '+1 2055550190' });
    expect(reply.status).toBe(204);
    expect(livePhone(diego, diegoMobile.id)).toMatchObject({ phoneNumber: '+1 2055550190' });
  });
});

describe('enableSmsSignIn / disableSmsSignIn', () => {
  const mobileOf = (user: typeof adele) =>
    methodOf(user, 'phone', (phone) => phone.phoneType === 'mobile').id;

  it('enables SMS sign-in for a mobile of a user the policy enables (204), and disables it again', async () => {
    const mobile = mobileOf(adele);
    const enabled = await action(adele.id, mobile, 'enableSmsSignIn');
    expect([enabled.status, enabled.text]).toEqual([204, '']);
    expect(livePhone(adele, mobile)).toMatchObject({ smsSignInState: 'ready' });
    expect((await action(adele.id, mobile, 'disableSmsSignIn')).status).toBe(204);
    expect(livePhone(adele, mobile)).toMatchObject({ smsSignInState: 'notEnabled' });
  });

  it('refuses a phone that is not the mobile', async () => {
    const office = methodOf(adele, 'phone', (phone) => phone.phoneType === 'office').id;
    for (const name of ['enableSmsSignIn', 'disableSmsSignIn'] as const) {
      const reply = await action(adele.id, office, name);
      expect([reply.status, errorOf(reply).code]).toEqual([400, 'badRequest']);
    }
  });

  it('refuses a user the policy leaves out: outside its group (guest, Patti) or excluded (Megan)', async () => {
    for (const user of [guest, patti, megan]) {
      const reply = await action(user.id, mobileOf(user), 'enableSmsSignIn');
      expect([reply.status, errorOf(reply).code], user.userPrincipalName).toEqual([400, 'badRequest']);
      // microsoftgraph/msgraph-sdk-dotnet#2549
      expect(errorOf(reply).message).toBe(
        'Cannot enable SMS sign-in on phone auth method as the credential policy is not enabled on user',
      );
    }
  });

  it('refuses a number another user signs in with', async () => {
    expect((await patch(adele.id, mobileOf(adele), { phoneNumber: diegoMobile.phoneNumber })).status).toBe(
      204,
    );
    expect(livePhone(adele, mobileOf(adele))).toMatchObject({ smsSignInState: 'phoneNumberNotUnique' });
    const reply = await action(adele.id, mobileOf(adele), 'enableSmsSignIn');
    expect(errorOf(reply).message).toContain('another user');
    // Once Diego stops signing in with it, the number is free.
    expect((await action(diego.id, diegoMobile.id, 'disableSmsSignIn')).status).toBe(204);
    expect((await action(adele.id, mobileOf(adele), 'enableSmsSignIn')).status).toBe(204);
  });

  it('needs a phone write permission (Phone.ReadWrite.All least); Phone.Read.All is 403', async () => {
    const mobile = mobileOf(adele);
    const url = (name: string) => `/users/${adele.id}/authentication/phoneMethods/${mobile}/${name}`;
    const mint = (role: string) => fixture.identity.mintToken({ roles: [role] }).accessToken;
    for (const name of ['enableSmsSignIn', 'disableSmsSignIn']) {
      const refused = await graphCall(fixture, 'POST', url(name), {
        token: mint('UserAuthMethod-Phone.Read.All'),
      });
      expect([refused.status, errorOf(refused).code], name).toEqual([403, 'Authorization_RequestDenied']);
      for (const role of ['UserAuthMethod-Phone.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All']) {
        expect((await graphCall(fixture, 'POST', url(name), { token: mint(role) })).status, role).toBe(204);
      }
    }
  });

  it('answers 404 for a phone the user lacks', async () => {
    expect((await action(grady.id, PHONE_METHOD_IDS.mobile, 'enableSmsSignIn')).status).toBe(404);
  });
});

describe('phone writes as $batch steps', () => {
  it('carries POST and PATCH bodies, runs dependants, and fails them with 424 after a refused step', async () => {
    const json = { 'Content-Type': 'application/json' };
    const base = `/users/${grady.id}/authentication/phoneMethods`;
    const reply = await graphCall(fixture, 'POST', '/$batch', {
      body: {
        requests: [
          {
            id: 'mobile',
            method: 'POST',
            url: base,
            headers: json,
            body: { phoneNumber: '+1 3095550104', phoneType: 'mobile' },
          },
          {
            id: 'number',
            method: 'PATCH',
            url: `${base}/${PHONE_METHOD_IDS.mobile}`,
            headers: json,
            body: { phoneNumber: '+1 3095550105' },
            dependsOn: ['mobile'],
          },
          {
            id: 'again',
            method: 'POST',
            url: base,
            headers: json,
            body: { phoneNumber: '+1 3095550106', phoneType: 'mobile' },
            dependsOn: ['number'],
          },
          {
            id: 'sms',
            method: 'POST',
            url: `${base}/${PHONE_METHOD_IDS.mobile}/enableSmsSignIn`,
            headers: json,
            body: {},
            dependsOn: ['again'],
          },
        ],
      },
    });
    const responses = (reply.body as { responses: { id: string; status: number; body?: unknown }[] })
      .responses;
    expect(responses.map((step) => [step.id, step.status])).toEqual([
      ['mobile', 201],
      ['number', 204],
      ['again', 400],
      ['sms', 424],
    ]);
    expect(responses[0]?.body).toMatchObject({ id: PHONE_METHOD_IDS.mobile, smsSignInState: 'ready' });
    expect(livePhone(grady, PHONE_METHOD_IDS.mobile)).toMatchObject({ phoneNumber: '+1 3095550105' });
  });
});
