import { generateKeyPairSync, randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { type CallerTokenOptions, DEMO_CALLERS, signJwt } from '../../local/identity';
import { demoSeed, demoSeedUser } from '../support/demo-tenant';
import { type Answer, callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// Callers over HTTP in entraToken mode (docs/callers.md): role boundaries, every token fault,
// object scope, step-up and the audited read of a protected account.

const STEP_UP = 'c1';
const SCOPED_OID = '8a6e5b7f-0c9d-4e1f-8a3b-2c1d0e9f8a76';
const salesGroup = () => demoSeed().groups.find((group) => group.displayName === 'Sales and Marketing');

const stack = useStack({
  appSettings: {
    CALLER_SCOPES: JSON.stringify({ [`user:${SCOPED_OID}`]: [salesGroup()?.id] }),
    STEP_UP_AUTH_CONTEXT: STEP_UP,
  },
});

const VERIFIED = { ticket: 'INC-CALLERS', verification: { method: 'video_call', reference: 'Teams call' } };

/** A request with exactly these credential headers (none of the demo helpers' defaults). */
async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  return await callStack(stack(), method, path, body, {
    authorization: '',
    ...(body === undefined ? {} : { 'idempotency-key': randomUUID() }),
    ...headers,
  });
}
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const mint = (options: CallerTokenOptions) => stack().identity.mintCallerToken(options).accessToken;
const revoke = (user: string, headers: Record<string, string>) =>
  send('POST', `/users/${encodeURIComponent(user)}/sessions/revoke`, headers, VERIFIED);
const reset = (user: string, headers: Record<string, string>) =>
  send('POST', `/users/${encodeURIComponent(user)}/mfa/reset`, headers, VERIFIED);
const writes = () =>
  stack()
    .graph.requests()
    .filter((r) => r.method !== 'GET' && !r.path.endsWith('$batch'));

describe('role boundaries', () => {
  const adele = () => demoSeedUser('ordinaryUser').userPrincipalName;

  it('health stays anonymous; every other route wants a bearer token', async () => {
    expect((await send('GET', '/health', {})).status).toBe(200);
    const missing = await send('GET', `/users/${adele()}/methods`, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.body.code).toBe('unauthenticated');
  });

  it.each([
    ['reader', 'GET', '/lockouts', 200, undefined],
    ['reader', 'POST', '/sessions/revoke', 403, 'Recovery.Reset'],
    ['approver', 'POST', '/tap', 403, 'Recovery.IssueTap'],
    ['securityOps', 'POST', '/mfa/reset', 403, 'Recovery.Reset'],
    ['helpdesk', 'POST', '/sessions/revoke', 200, undefined],
    ['admin', 'POST', '/sessions/revoke', 200, undefined],
  ] as const)('%s %s %s → %i', async (caller, method, route, status, role) => {
    stack().graph.clearRequests();
    const path = route === '/lockouts' ? route : `/users/${adele()}${route}`;
    const answer = await send(
      method,
      path,
      as(stack().callerTokens[caller]),
      method === 'GET' ? undefined : VERIFIED,
    );
    expect(answer.status).toBe(status);
    if (role !== undefined) {
      expect(answer.body).toMatchObject({ code: 'forbidden' });
      expect(answer.body.detail).toContain(role);
      expect(writes()).toEqual([]);
    }
  });

  it('records the caller (id, name, client) in the audit row', async () => {
    const { helpdesk } = DEMO_CALLERS;
    await revoke(adele(), as(stack().callerTokens.helpdesk));
    const audit = await send(
      'GET',
      `/audit?action=sessions.revoke&userId=${demoSeedUser('ordinaryUser').id}&limit=1`,
      as(stack().callerTokens.reader),
    );
    expect((audit.body.entries as Record<string, unknown>[])[0]).toMatchObject({
      caller: `user:${helpdesk.oid}`,
      callerName: helpdesk.name,
    });
  });
});

describe('token faults', () => {
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const helpdesk = { ...DEMO_CALLERS.helpdesk };
  const faults: [string, () => string][] = [
    ['wrong audience', () => mint({ ...helpdesk, audience: 'api://another-api' })],
    [
      'wrong issuer',
      () => mint({ ...helpdesk, issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/' }),
    ],
    ['expired', () => mint({ ...helpdesk, lifetimeSeconds: -3600 })],
    ['not yet valid', () => mint({ ...helpdesk, notBeforeSeconds: 3600 })],
    [
      'bad signature',
      () => {
        const [header, payload] = mint(helpdesk).split('.');
        return `${header}.${payload}.${mint({ ...helpdesk, name: 'Someone' }).split('.')[2]}`;
      },
    ],
    [
      'unknown kid',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        return signJwt(
          { alg: 'RS256', typ: 'JWT', kid: 'attacker-key' },
          stack().identity.mintCallerToken(helpdesk).claims,
          pem,
        );
      },
    ],
    [
      'alg none',
      () =>
        `${segment({ alg: 'none', typ: 'JWT' })}.${segment(stack().identity.mintCallerToken(helpdesk).claims)}.`,
    ],
  ];

  it.each(faults)('%s: 401 invalid_token, nothing read or written', async (_name, token) => {
    stack().graph.clearRequests();
    const answer = await revoke(demoSeedUser('ordinaryUser').userPrincipalName, as(token()));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(stack().graph.requests()).toEqual([]);
  });

  it('a forged App Service principal header neither authenticates nor adds roles', async () => {
    const principal = Buffer.from(
      JSON.stringify({
        auth_typ: 'aad',
        claims: [
          { typ: 'roles', val: 'Recovery.Reset' },
          { typ: 'oid', val: DEMO_CALLERS.admin.oid },
        ],
      }),
    ).toString('base64');
    const forged = {
      'x-ms-client-principal': principal,
      'x-ms-client-principal-name': 'admin@contoso.onmicrosoft.com',
    };
    const user = demoSeedUser('ordinaryUser').userPrincipalName;
    expect((await revoke(user, forged)).status).toBe(401);
    const asReader = await revoke(user, { ...forged, ...as(stack().callerTokens.reader) });
    expect(asReader.status).toBe(403);
  });
});

describe('object scope', () => {
  const scoped = () =>
    as(mint({ oid: SCOPED_OID, name: 'Scoped Helpdesk', roles: DEMO_CALLERS.helpdesk.roles }));
  const salesMember = () => demoSeed().users.find((user) => salesGroup()?.memberIds?.includes(user.id));

  it('acts on members of its group, and refuses everyone else with 403 out_of_scope', async () => {
    const member = salesMember();
    expect(member).toBeDefined();
    expect((await revoke(member?.userPrincipalName ?? '', scoped())).status).toBe(200);
    stack().graph.clearRequests();
    const outside = await revoke(demoSeedUser('ordinaryUser').userPrincipalName, scoped());
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('out_of_scope');
    expect(writes()).toEqual([]);
    const read = await send('GET', `/users/${demoSeedUser('ordinaryUser').id}/methods`, scoped());
    expect(read.body.code).toBe('out_of_scope');
  });
});

describe('step-up for protected accounts', () => {
  const joni = () => demoSeedUser('protectedGroupMember').userPrincipalName;
  const privileged = [...DEMO_CALLERS.helpdesk.roles, 'Recovery.Privileged'];

  it('challenges a signed-in person without the auth context, as Microsoft documents claims challenges', async () => {
    const answer = await reset(joni(), as(mint({ roles: privileged })));
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('step_up_required');
    const challenge = answer.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_claims"');
    const claims = /claims="([^"]+)"/.exec(challenge)?.[1] ?? '';
    expect(JSON.parse(Buffer.from(claims, 'base64').toString('utf8'))).toEqual({
      access_token: { acrs: { essential: true, value: STEP_UP } },
    });
  });

  it('lets the stepped-up person through to the two-person rule, and never challenges for break-glass or applications', async () => {
    // Past the step-up, a Privileged caller's request waits for a second person (docs/approvals.md).
    const stepped = await reset(joni(), as(mint({ roles: privileged, acrs: [STEP_UP] })));
    expect(stepped.status).toBe(202);
    expect(stepped.body.approvalId).toEqual(expect.any(String));
    const app = await reset(joni(), as(mint({ kind: 'application', roles: privileged })));
    expect(app.status).toBe(202);
    const breakGlass = await reset(
      demoSeedUser('breakGlass').userPrincipalName,
      as(mint({ roles: privileged })),
    );
    expect(breakGlass.body.code).toBe('break_glass_account');
  });
});

describe("reading a protected account's methods", () => {
  it('is audited with the reader; an ordinary account read is not', async () => {
    const joni = demoSeedUser('protectedGroupMember');
    const adele = demoSeedUser('ordinaryUser');
    const reader = as(stack().callerTokens.reader);
    expect((await send('GET', `/users/${joni.id}/methods`, reader)).status).toBe(200);
    expect((await send('GET', `/users/${adele.id}/methods`, reader)).status).toBe(200);
    const audited = async (id: string) =>
      (await send('GET', `/audit?action=methods.read&userId=${id}`, reader)).body.entries as Record<
        string,
        unknown
      >[];
    expect(await audited(joni.id)).toMatchObject([
      {
        caller: `user:${DEMO_CALLERS.reader.oid}`,
        callerName: DEMO_CALLERS.reader.name,
        code: 'protected_account',
      },
    ]);
    expect(await audited(adele.id)).toEqual([]);
  });
});
