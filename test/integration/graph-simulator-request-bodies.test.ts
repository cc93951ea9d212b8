import { describe, expect, it } from 'vitest';

import { useGraphSimulator } from '../support/graph-fixture';
import { errorOf, graphCall, type GraphReply, liveMethods, liveUser, users } from '../support/recovery-seed';

// Every body the app sends is read against Microsoft's OpenAPI request schema for its path and
// method (local/graph/request-validation.ts), top-level and as a batch step.

const fixture = useGraphSimulator({ resetAfterEach: true });
const { adele, grady, megan } = users;

const json = { 'Content-Type': 'application/json' };
const phoneMethods = (user: { id: string }) => `/users/${user.id}/authentication/phoneMethods`;
const tapMethods = (user: { id: string }) => `/users/${user.id}/authentication/temporaryAccessPassMethods`;
const requirements = `/users/${megan.id}/authentication/requirements`;

const unknownProperty = (property: string, type: string) =>
  `The property '${property}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`;
const mismatch = (property: string) =>
  `Property ${property} in payload has a value that does not match schema.`;
const refusal = (reply: GraphReply) => [reply.status, errorOf(reply).code, errorOf(reply).message];

describe('request bodies against the OpenAPI request schema', () => {
  it('refuses a property the type does not declare (phone method create), creating nothing', async () => {
    const reply = await graphCall(fixture, 'POST', phoneMethods(grady), {
      body: { phoneNumber: '+1 3095550104', phoneType: 'mobile', isDefault: true },
    });
    expect(refusal(reply)).toEqual([
      400,
      'RequestBodyRead',
      unknownProperty('isDefault', 'phoneAuthenticationMethod'),
    ]);
    expect(liveMethods(fixture, grady).some((method) => method.type === 'phone')).toBe(false);
  });

  it('reads the body as the type of the version called (TAP create, beta)', async () => {
    const reply = await graphCall(fixture, 'POST', tapMethods(adele), {
      version: 'beta',
      body: { lifetimeInMinutes: 60, oneTime: true },
    });
    expect(refusal(reply)).toEqual([
      400,
      'RequestBodyRead',
      unknownProperty('oneTime', 'temporaryAccessPassAuthenticationMethod'),
    ]);
  });

  it('refuses an unknown property of per-user MFA before the state changes', async () => {
    const reply = await graphCall(fixture, 'PATCH', requirements, {
      version: 'beta',
      body: { perUserMfaState: 'disabled', state: 'disabled' },
    });
    expect(refusal(reply)).toEqual([
      400,
      'RequestBodyRead',
      unknownProperty('state', 'strongAuthenticationRequirements'),
    ]);
    expect(liveUser(fixture, megan).perUserMfaState).toBe('enforced');
  });

  it('refuses a value outside the enum (perUserMfaState)', async () => {
    const reply = await graphCall(fixture, 'PATCH', requirements, {
      version: 'beta',
      body: { perUserMfaState: 'off' },
    });
    expect(refusal(reply)).toEqual([400, 'BadRequest', mismatch('perUserMfaState')]);
  });

  it('refuses a value of the wrong type (isUsableOnce) or format (startDateTime)', async () => {
    const wrongType = await graphCall(fixture, 'POST', tapMethods(adele), { body: { isUsableOnce: 'yes' } });
    expect(refusal(wrongType)).toEqual([400, 'BadRequest', mismatch('isUsableOnce')]);
    const wrongFormat = await graphCall(fixture, 'POST', tapMethods(adele), {
      body: { startDateTime: 'tomorrow' },
    });
    expect(refusal(wrongFormat)).toEqual([400, 'BadRequest', mismatch('startDateTime')]);
  });

  it('refuses a create without a body with the observed wording', async () => {
    const reply = await graphCall(fixture, 'POST', phoneMethods(grady), { body: '' });
    expect(refusal(reply)).toEqual([400, 'BadRequest', 'Empty Payload. JSON content expected.']);
  });

  it('takes OData annotations beside declared properties', async () => {
    const reply = await graphCall(fixture, 'POST', phoneMethods(grady), {
      body: {
        '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
        phoneNumber: '+1 3095550104',
        phoneType: 'mobile',
      },
    });
    expect(reply.status).toBe(201);
  });

  it('refuses any parameter for an action that takes none; {} and no body pass', async () => {
    const revoke = `/users/${adele.id}/revokeSignInSessions`;
    const reply = await graphCall(fixture, 'POST', revoke, { body: { reason: 'lost phone' } });
    expect(refusal(reply)).toEqual([
      400,
      'RequestBodyRead',
      "The parameter 'reason' in the request payload is not a valid parameter for the operation 'revokeSignInSessions'.",
    ]);
    expect(liveUser(fixture, adele).signInSessionsValidFromDateTime).toBe(
      users.adele.signInSessionsValidFromDateTime,
    );
    expect((await graphCall(fixture, 'POST', revoke, { body: {} })).status).toBe(200);
    expect((await graphCall(fixture, 'POST', revoke)).status).toBe(200);
  });

  it('validates batch steps like top-level requests: the step fails, the batch answers 200', async () => {
    const reply = await graphCall(fixture, 'POST', '/$batch', {
      body: {
        requests: [
          {
            id: 'phone',
            method: 'POST',
            url: phoneMethods(grady),
            headers: json,
            body: { phoneNumber: '+1 3095550104', phoneType: 'mobile', isDefault: true },
          },
          { id: 'tap', method: 'POST', url: tapMethods(adele), headers: json, body: {} },
        ],
      },
    });
    expect(reply.status).toBe(200);
    const steps = (reply.body as { responses: { id: string; status: number; body: unknown }[] }).responses;
    const phone = steps.find((step) => step.id === 'phone');
    expect(phone).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'RequestBodyRead',
          message: unknownProperty('isDefault', 'phoneAuthenticationMethod'),
        },
      },
    });
    expect(steps.find((step) => step.id === 'tap')?.status).toBe(201);
  });
});
