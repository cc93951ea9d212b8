import { createHash } from 'node:crypto';

import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { actionHandler } from '../../../src/lib/recovery/action-handler';
import { readActionRequest } from '../../../src/lib/recovery/action-request';
import { ActionBaseSchema, ResetMfaSchema } from '../../../src/lib/recovery/action-schemas';
import { actionFakes, TARGET } from '../../support/action-fakes';
import { appErrorOf } from '../../support/app-error';
import { testCaller } from '../../support/callers';

const KEY = 'key-0123456789abcdef';
const BODY = { ticket: 'INC1', verification: { method: 'video_call', reference: 'call-42' } };

function httpRequest(
  options: {
    user?: string;
    key?: string | null;
    body?: unknown;
    params?: Record<string, string>;
    headers?: Record<string, string>;
    method?: string;
  } = {},
) {
  const key = options.key === undefined ? KEY : options.key;
  return new HttpRequest({
    method: options.method ?? 'POST',
    url: 'https://func.example/api/users/x/mfa/reset',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { 'idempotency-key': key }),
      ...options.headers,
    },
    params: { user: options.user ?? TARGET.userPrincipalName, ...options.params },
    body: { string: JSON.stringify(options.body ?? BODY) },
  });
}

const read = (request: HttpRequest) =>
  readActionRequest(request, {
    action: 'mfa.reset',
    route: 'users/{user}/mfa/reset',
    schema: ResetMfaSchema,
    correlationId: 'corr-1',
    caller: testCaller({ id: 'app:servicenow' }),
  });

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('readActionRequest', () => {
  it('reads the user, the body with its defaults, the caller and the idempotency scope', async () => {
    const action = await read(httpRequest());
    expect(action).toEqual({
      action: 'mfa.reset',
      user: { kind: 'upn', upn: TARGET.userPrincipalName },
      input: { ...BODY, revokeSessions: true, dryRun: false },
      caller: testCaller({ id: 'app:servicenow' }),
      correlationId: 'corr-1',
      idempotency: {
        key: KEY,
        scope: 'app:servicenow|POST|users/{user}/mfa/reset',
        // The parameters other than {user} and the validated body, as JSON with sorted keys.
        fingerprint: sha256(
          '{"input":{"dryRun":false,"revokeSessions":true,"ticket":"INC1",' +
            '"verification":{"method":"video_call","reference":"call-42"}},"params":{}}',
        ),
      },
    });
  });

  it('gives the same fingerprint for the same request, however the user is named and the keys ordered', async () => {
    const reordered = {
      verification: { reference: 'call-42', method: 'video_call' },
      dryRun: false,
      ticket: 'INC1',
    };
    const byUpn = await read(httpRequest());
    const byId = await read(httpRequest({ user: TARGET.id, body: reordered }));
    expect(byId.user).toEqual({ kind: 'id', id: TARGET.id });
    expect(byId.idempotency).toEqual(byUpn.idempotency);
  });

  it('gives another fingerprint for another body, another parameter, or types in another order', async () => {
    const base = (await read(httpRequest())).idempotency.fingerprint;
    const otherBody = await read(httpRequest({ body: { ...BODY, ticket: 'INC2' } }));
    const otherParam = await read(httpRequest({ params: { methodId: 'm2' } }));
    expect(otherParam.idempotency.fingerprint).toBe(
      sha256(
        '{"input":{"dryRun":false,"revokeSessions":true,"ticket":"INC1",' +
          '"verification":{"method":"video_call","reference":"call-42"}},"params":{"methodId":"m2"}}',
      ),
    );
    const typesAB = await read(httpRequest({ body: { ...BODY, methodTypes: ['email', 'fido2'] } }));
    const typesBA = await read(httpRequest({ body: { ...BODY, methodTypes: ['fido2', 'email'] } }));
    expect(typesAB.idempotency.fingerprint).toBe(
      sha256(
        '{"input":{"dryRun":false,"methodTypes":["email","fido2"],"revokeSessions":true,"ticket":"INC1",' +
          '"verification":{"method":"video_call","reference":"call-42"}},"params":{}}',
      ),
    );
    const fingerprints = new Set(
      [base, otherBody, otherParam, typesAB, typesBA].map((value) =>
        typeof value === 'string' ? value : value.idempotency.fingerprint,
      ),
    );
    expect(fingerprints.size).toBe(5);
  });

  it('scopes the key by the method as sent', async () => {
    const action = await read(httpRequest({ method: 'DELETE' }));
    expect(action.idempotency.scope).toBe('app:servicenow|DELETE|users/{user}/mfa/reset');
  });

  it('asks for an Idempotency-Key when there is none', async () => {
    const error = await appErrorOf(read(httpRequest({ key: null })));
    expect(error).toMatchObject({
      code: 'idempotency_key_required',
      detail: 'Send an Idempotency-Key header (16–128 characters: letters, digits, - or _), e.g. a UUID.',
    });
  });

  it('takes a key of 16 to 128 letters, digits, - and _, and refuses any other', async () => {
    for (const key of ['a'.repeat(16), 'A-z_9'.repeat(25) + 'abc', '0b4f4a8e-2f2c-4d8e-9c1a-5d6e7f809102']) {
      expect((await read(httpRequest({ key }))).idempotency.key).toBe(key);
    }
    const message = 'must be 16–128 characters: letters, digits, - or _';
    for (const key of ['a'.repeat(15), 'a'.repeat(129), `${KEY}.`, `.${KEY}`, `${KEY} x`, 'ä'.repeat(16)]) {
      const error = await appErrorOf(read(httpRequest({ key })));
      expect(error).toMatchObject({
        code: 'invalid_request',
        detail: `Idempotency-Key ${message}.`,
        options: { errors: [{ path: 'header.idempotency-key', message }] },
      });
    }
  });

  it('refuses a malformed user before the key, and a key before the body', async () => {
    const badUser = await appErrorOf(read(httpRequest({ user: 'not a user', key: null })));
    expect(badUser.code).toBe('invalid_request');
    expect(badUser.options.errors?.map((problem) => problem.path)).toEqual(['user']);
    expect((await appErrorOf(read(httpRequest({ key: null, body: { ticket: 1 } })))).code).toBe(
      'idempotency_key_required',
    );
    const error = await appErrorOf(read(httpRequest({ body: { ...BODY, extra: true } })));
    expect(error.code).toBe('invalid_request');
  });
});

describe('actionHandler', () => {
  it('runs the action with its services and the request read, and answers its status, body and headers', async () => {
    const fakes = actionFakes();
    const seen: unknown[] = [];
    const handler = actionHandler(() => fakes.deps, {
      action: 'sessions.revoke',
      role: 'Recovery.Reset',
      route: 'users/{user}/sessions/revoke',
      schema: ActionBaseSchema,
      run: (deps, action, request) => {
        seen.push(deps, action.action, action.idempotency.scope, request.method);
        return Promise.resolve({ status: 201, body: { done: true }, headers: { 'retry-after': '3' } });
      },
    });
    const response = await handler(
      httpRequest({ headers: { 'x-correlation-id': 'corr-7' } }),
      new InvocationContext({ functionName: 'test' }),
    );
    expect(seen).toEqual([
      fakes.deps,
      'sessions.revoke',
      'function-key|POST|users/{user}/sessions/revoke',
      'POST',
    ]);
    expect(response.status).toBe(201);
    expect((response as HttpResponseInit).jsonBody).toEqual({ done: true });
    const headers = new Headers(response.headers);
    expect(headers.get('retry-after')).toBe('3');
    expect(headers.get('x-correlation-id')).toBe('corr-7');
  });

  it('answers a refusal as problem+json without running the action', async () => {
    let ran = false;
    const handler = actionHandler(() => actionFakes().deps, {
      action: 'sessions.revoke',
      role: 'Recovery.Reset',
      route: 'users/{user}/sessions/revoke',
      schema: ActionBaseSchema,
      run: () => {
        ran = true;
        return Promise.resolve({ status: 200, body: {}, headers: {} });
      },
    });
    const response = await handler(
      httpRequest({ key: null }),
      new InvocationContext({ functionName: 'test' }),
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body as string)).toMatchObject({ code: 'idempotency_key_required' });
    expect(ran).toBe(false);
  });
});
