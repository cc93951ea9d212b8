import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';

import { demoTenant } from '../support/demo-tenant';
import { callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// Real answers from the local stack, over HTTP, checked against the schemas /api/openapi.json
// documents for their operation, status and media type: the document cannot drift from the code.
const stack = useStack({ callerAuth: 'functionKey' });
let ajv: Ajv2020;

beforeAll(async () => {
  const response = await fetch(`${stack().baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema((await response.json()) as object, 'openapi');
});

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The answer's body against the schema documented for this operation, status and media type. */
function expectDocumented(
  method: string,
  path: string,
  answer: { status: number; headers: Headers; body: unknown },
) {
  const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0] ?? '';
  const ref = `openapi#/${pointer('paths', path, method, 'responses', String(answer.status), 'content', mediaType, 'schema')}`;
  const validate = ajv.compile({ $ref: ref });
  const valid = validate(answer.body);
  expect(validate.errors ?? [], `${method} ${path} ${answer.status} ${mediaType}`).toEqual([]);
  expect(valid).toBe(true);
  expect(answer.headers.get('x-correlation-id')).toBeTruthy();
}

const user = () => demoTenant().ordinaryUser;
const unknownUser = () => `nobody.here@${user().userPrincipalName.split('@')[1] ?? ''}`;

describe('real answers match /api/openapi.json', () => {
  it('GET /health', async () => {
    expectDocumented('get', '/health', await callStack(stack(), 'GET', '/health'));
  });

  it('GET /users/{user}/methods: the user and their methods', async () => {
    const answer = await callStack(stack(), 'GET', `/users/${user().userPrincipalName}/methods`);
    expect(answer.status).toBe(200);
    expectDocumented('get', '/users/{user}/methods', answer);
  });

  it('GET /users/{user}/methods for an unknown user: a documented 404 problem', async () => {
    const answer = await callStack(stack(), 'GET', `/users/${unknownUser()}/methods`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('user_not_found');
    expectDocumented('get', '/users/{user}/methods', answer);
  });

  it('GET /lockouts, /audit and /service/writes', async () => {
    for (const path of ['/lockouts', '/audit', '/service/writes']) {
      const answer = await callStack(stack(), 'GET', path);
      expect(answer.status, path).toBe(200);
      expectDocumented('get', path, answer);
    }
  });

  it('POST /users/{user}/tap without an Idempotency-Key: a documented 400 problem', async () => {
    const answer = await callStack(stack(), 'POST', `/users/${user().userPrincipalName}/tap`, {
      ticket: 'INC0042',
      verification: { method: 'video_call', reference: 'call' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('idempotency_key_required');
    expectDocumented('post', '/users/{user}/tap', answer);
  });

  it('GET /swagger.json is the Swagger 2.0 description', async () => {
    const answer = await callStack(stack(), 'GET', '/swagger.json');
    expect(answer.status).toBe(200);
    expect(answer.body.swagger).toBe('2.0');
    expectDocumented('get', '/swagger.json', answer);
  });
});
