import { afterEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import {
  addBackupPhone,
  type AddPhoneInput,
  graphPhoneNumberOrThrow,
} from '../../../src/lib/recovery/phone-action';
import { actionFakes, actionRequest, TARGET } from '../../support/action-fakes';
import { json, type SentRequest, stubGraph } from '../graph/stub-graph';

afterEach(() => {
  vi.unstubAllGlobals();
});

const PHONE_ID = '3179e48a-750b-4051-897c-87b9720928f7';
const PASSWORD = {
  '@odata.type': '#microsoft.graph.passwordAuthenticationMethod',
  id: '28c10230-6103-485e-b985-444c60001490',
};
const phone = (phoneType: string, phoneNumber: string, smsSignInState = 'notAllowedByPolicy') => ({
  '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
  id: PHONE_ID,
  phoneNumber,
  phoneType,
  smsSignInState,
});

const phoneRequest = (input: Partial<AddPhoneInput> = {}) =>
  actionRequest<AddPhoneInput>({
    action: 'phone.add',
    input: { phoneNumber: '+14255550100', phoneType: 'mobile', smsSignIn: false, ...input },
  });

/**
 * Graph for one user: the methods list, the phone create (answering `created`) and enableSmsSignIn
 * (answering `enable`). Every request is recorded.
 */
function setUp(options: {
  methods?: unknown[];
  created?: Record<string, unknown>;
  enable?: () => Response;
  now?: Date;
  settings?: Record<string, string>;
}) {
  const stub = stubGraph((request: SentRequest) => {
    if (request.method === 'GET') return Promise.resolve(json(200, { value: options.methods ?? [PASSWORD] }));
    if (request.url.endsWith('/enableSmsSignIn'))
      return Promise.resolve(options.enable?.() ?? new Response(null, { status: 204 }));
    return Promise.resolve(json(201, options.created ?? phone('mobile', '+1 4255550100')));
  });
  const fakes = actionFakes({
    graph: stub.graph,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  // Before Microsoft's SMS and voice retirement unless a test says otherwise.
  const now = options.now ?? new Date('2026-12-01T00:00:00Z');
  return { ...fakes, deps: { ...fakes.deps, now: () => now }, stub };
}

const writes = (sent: SentRequest[]) => sent.filter((request) => request.method !== 'GET');

describe('graphPhoneNumberOrThrow', () => {
  it('answers Graph’s form of a valid number and refuses anything else with the field named', () => {
    expect(graphPhoneNumberOrThrow('+14255550100')).toBe('+1 4255550100');
    const message = 'must be a valid E.164 number such as +14255550100 (optionally with x and an extension)';
    expect(() => graphPhoneNumberOrThrow('4255550100')).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        detail: `phoneNumber ${message}.`,
        options: { errors: [{ path: 'body.phoneNumber', message }] },
      }) as Error,
    );
  });
});

describe('addBackupPhone', () => {
  it('refuses a malformed number before the guard or the audit', async () => {
    const setup = setUp({});
    await expect(addBackupPhone(setup.deps, phoneRequest({ phoneNumber: '+1' }))).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(setup.steps).toEqual([]);
    expect(setup.stub.sent).toEqual([]);
  });

  it('creates the phone in Graph’s number form and answers 201 with the number masked', async () => {
    const setup = setUp({});
    const response = await addBackupPhone(setup.deps, phoneRequest());
    expect(writes(setup.stub.sent)).toMatchObject([
      {
        method: 'POST',
        url: `${setup.stub.origin}/v1.0/users/${TARGET.id}/authentication/phoneMethods`,
        body: { phoneNumber: '+1 4255550100', phoneType: 'mobile' },
      },
    ]);
    const smsSignIn = { requested: false, enabled: false, state: 'notAllowedByPolicy' };
    expect(response).toEqual({
      status: 201,
      headers: {},
      body: {
        user: { id: TARGET.id, userPrincipalName: TARGET.userPrincipalName },
        outcome: 'complete',
        method: { id: PHONE_ID, phoneType: 'mobile', phoneNumber: '+* ******0100', created: true },
        smsSignIn,
      },
    });
    expect(setup.completed).toEqual([
      {
        outcome: 'succeeded',
        graphRequestIds: ['guard-1'],
        summary: { methodId: PHONE_ID, phoneType: 'mobile', created: true, smsSignIn },
      },
    ]);
    expect(setup.stored).toHaveLength(1);
  });

  it('reports the SMS sign-in state as unknown when Graph leaves it out', async () => {
    const withoutState: Record<string, unknown> = phone('office', '+1 4255550100');
    delete withoutState.smsSignInState;
    const setup = setUp({ created: withoutState });
    const response = await addBackupPhone(setup.deps, phoneRequest({ phoneType: 'office' }));
    expect(response.body).toMatchObject({
      smsSignIn: { requested: false, enabled: false, state: 'unknown' },
    });
  });

  it('enables SMS sign-in on the new phone when asked, and says so', async () => {
    const setup = setUp({});
    const response = await addBackupPhone(setup.deps, phoneRequest({ smsSignIn: true }));
    expect(writes(setup.stub.sent).map((request) => `${request.method} ${request.url}`)).toEqual([
      `POST ${setup.stub.origin}/v1.0/users/${TARGET.id}/authentication/phoneMethods`,
      `POST ${setup.stub.origin}/v1.0/users/${TARGET.id}/authentication/phoneMethods/${PHONE_ID}/enableSmsSignIn`,
    ]);
    expect(response.body).toMatchObject({
      outcome: 'complete',
      smsSignIn: { requested: true, enabled: true, state: 'ready' },
    });
    expect(setup.completed[0]).toEqual({
      outcome: 'succeeded',
      graphRequestIds: ['guard-1'],
      summary: expect.objectContaining({
        smsSignIn: { requested: true, enabled: true, state: 'ready' },
      }) as unknown,
    });
  });

  it('does not enable SMS sign-in again on a phone that is ready for it', async () => {
    const setup = setUp({ created: phone('mobile', '+1 4255550100', 'ready') });
    const response = await addBackupPhone(setup.deps, phoneRequest({ smsSignIn: true }));
    expect(writes(setup.stub.sent)).toHaveLength(1);
    expect(response.body).toMatchObject({
      outcome: 'complete',
      smsSignIn: { requested: true, enabled: true },
    });
  });

  it('keeps the phone and answers partial with Graph’s code and request-id when SMS sign-in fails', async () => {
    const setup = setUp({
      enable: () =>
        json(
          400,
          { error: { code: 'badRequest', message: 'SMS sign-in is not allowed' } },
          { 'request-id': 'req-sms' },
        ),
    });
    const response = await addBackupPhone(setup.deps, phoneRequest({ smsSignIn: true }));
    const smsSignIn = {
      requested: true,
      enabled: false,
      state: 'notAllowedByPolicy',
      code: 'badRequest',
      graphRequestId: 'req-sms',
    };
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      outcome: 'partial',
      method: { id: PHONE_ID, created: true },
      smsSignIn,
    });
    expect(setup.completed).toEqual([
      {
        outcome: 'partial',
        graphRequestIds: ['guard-1', 'req-sms'],
        summary: { methodId: PHONE_ID, phoneType: 'mobile', created: true, smsSignIn },
      },
    ]);
    // Partial: the key is released, so a retry finishes the job.
    expect(setup.stored).toEqual([]);
  });

  it('reports the app’s own code when Graph gives none, and no request-id it never had', async () => {
    const setup = setUp({ enable: () => new Response('upstream reset', { status: 500 }) });
    const response = await addBackupPhone(setup.deps, phoneRequest({ smsSignIn: true }));
    const body = response.body as { smsSignIn: Record<string, unknown> };
    expect(body.smsSignIn).toEqual({
      requested: true,
      enabled: false,
      state: 'notAllowedByPolicy',
      code: 'graph_unavailable',
    });
    expect(setup.completed[0]?.graphRequestIds).toEqual(['guard-1']);
  });

  it('finishes the job on the phone a failed attempt left, whatever the number’s spacing', async () => {
    const setup = setUp({
      methods: [PASSWORD, phone('alternateMobile', '+1 2065550100'), phone('mobile', '+1 4255550100')],
    });
    const response = await addBackupPhone(setup.deps, phoneRequest({ smsSignIn: true }));
    expect(writes(setup.stub.sent).map((request) => request.url)).toEqual([
      `${setup.stub.origin}/v1.0/users/${TARGET.id}/authentication/phoneMethods/${PHONE_ID}/enableSmsSignIn`,
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      outcome: 'complete',
      method: { id: PHONE_ID, phoneType: 'mobile', created: false },
    });
    expect(setup.completed[0]?.summary).toMatchObject({ created: false });
  });

  it('matches the phone by its digits, however Graph punctuates the number', async () => {
    const setup = setUp({ methods: [phone('mobile', '+1 (425) 555-0100')] });
    const response = await addBackupPhone(setup.deps, phoneRequest());
    expect(response.status).toBe(200);
    expect(writes(setup.stub.sent)).toEqual([]);
  });

  it('matches an extension whatever its letter case', async () => {
    const setup = setUp({ methods: [phone('office', '+1 4255550100X12', 'notSupported')] });
    const response = await addBackupPhone(
      setup.deps,
      phoneRequest({ phoneType: 'office', phoneNumber: '+14255550100x12' }),
    );
    expect(response.status).toBe(200);
    expect(writes(setup.stub.sent)).toEqual([]);
  });

  it('refuses a second phone of the type with another number, and ignores other types and methods', async () => {
    const setup = setUp({
      methods: [
        PASSWORD,
        // Not a phone method although it looks like one: only phoneAuthenticationMethod counts.
        { ...phone('mobile', '+1 4255550199'), '@odata.type': '#microsoft.graph.smsAuthenticationMethod' },
        phone('office', '+1 4255550100'),
        phone('mobile', '+1 4255550199'),
      ],
    });
    const error: unknown = await addBackupPhone(setup.deps, phoneRequest()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'method_exists',
      detail: 'The user already has a mobile phone; delete it first to replace it.',
    });
    expect(writes(setup.stub.sent)).toEqual([]);
  });

  it('creates a phone of a type the user has only as another kind of method', async () => {
    const setup = setUp({
      methods: [
        { ...phone('mobile', '+1 4255550199'), '@odata.type': '#microsoft.graph.smsAuthenticationMethod' },
      ],
    });
    expect((await addBackupPhone(setup.deps, phoneRequest())).status).toBe(201);
  });
});

describe('addBackupPhone after the SMS and voice retirement (2027-02-01)', () => {
  const warning = {
    code: 'telephony_retired',
    message: expect.stringContaining('2027-02-01') as unknown,
  };
  const bodyOf = async (setup: ReturnType<typeof setUp>, input: Partial<AddPhoneInput> = {}) =>
    (await addBackupPhone(setup.deps, phoneRequest(input))).body as Record<string, unknown>;

  it('warns from the first moment of the day with Microsoft as the provider', async () => {
    expect(await bodyOf(setUp({ now: new Date('2027-01-31T23:59:59.999Z') }))).not.toHaveProperty('warnings');
    expect(await bodyOf(setUp({ now: new Date('2027-02-01T00:00:00Z') }))).toMatchObject({
      outcome: 'complete',
      warnings: [warning],
    });
  });

  it('warns when SMS sign-in is asked for too, and the phone is still added', async () => {
    const setup = setUp({ now: new Date('2027-03-01T00:00:00Z') });
    const body = await bodyOf(setup, { smsSignIn: true });
    expect(body).toMatchObject({ method: { created: true }, warnings: [warning] });
  });

  it('follows TELEPHONY_RETIREMENT_DATE when Microsoft moves the date', async () => {
    const moved = { TELEPHONY_RETIREMENT_DATE: '2027-06-01' };
    const before = setUp({ now: new Date('2027-05-31T23:59:59Z'), settings: moved });
    expect(await bodyOf(before)).not.toHaveProperty('warnings');
    const after = setUp({ now: new Date('2027-06-01T00:00:00Z'), settings: moved });
    expect(await bodyOf(after)).toMatchObject({
      warnings: [{ code: 'telephony_retired', message: expect.stringContaining('2027-06-01') as unknown }],
    });
  });

  it('does not warn when the tenant has its own telephony provider', async () => {
    const setup = setUp({
      now: new Date('2027-03-01T00:00:00Z'),
      settings: { TELEPHONY_PROVIDER: 'custom' },
    });
    expect(await bodyOf(setup)).not.toHaveProperty('warnings');
  });
});
