import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { demoSeedUser } from '../support/demo-tenant';
import { useStack } from '../support/stack-fixture';

// The list routes as a caller who sends the function key as `?code=` (the documented alternative to
// the x-functions-key header), and GET /api/audit filtered by either form of user reference.

const stack = useStack({ callerAuth: 'functionKey' });

/** A GET authenticated only by `?code=`, as a browser link or a tool without custom headers would. */
async function getWithCode(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const separator = path.includes('?') ? '&' : '?';
  const response = await fetch(
    `${stack().baseUrl}${path}${separator}code=${encodeURIComponent(stack().functionKey)}`,
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function revokeSessions(user: string, ticket: string): Promise<void> {
  const response = await fetch(`${stack().baseUrl}/users/${encodeURIComponent(user)}/sessions/revoke`, {
    method: 'POST',
    headers: {
      'x-functions-key': stack().functionKey,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ ticket, verification: { method: 'video_call', reference: 'Teams call' } }),
  });
  expect(response.status).toBe(200);
}

const tickets = (body: Record<string, unknown>) =>
  (body.entries as { ticket?: string }[]).map((entry) => entry.ticket);

describe('?code= on the list routes', () => {
  it('GET /api/lockouts accepts the function key as ?code=', async () => {
    const answer = await getWithCode('/lockouts?status=open');
    expect(answer.status).toBe(200);
    expect(answer.body.lockouts).toEqual([]);
  });

  it('GET /api/audit accepts the function key as ?code=', async () => {
    const answer = await getWithCode('/audit?limit=5');
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body.entries)).toBe(true);
  });

  it('still refuses an unknown query parameter', async () => {
    const answer = await getWithCode('/audit?user=someone');
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_request');
  });
});

describe('GET /api/audit?userId=', () => {
  const adele = demoSeedUser('ordinaryUser');
  const diego = demoSeedUser('everyMethodUser');

  it('finds the same rows by UPN (any case) as by object id, whichever form the action named', async () => {
    await revokeSessions(adele.userPrincipalName, 'INC-BY-UPN');
    await revokeSessions(adele.id, 'INC-BY-ID');
    await revokeSessions(diego.userPrincipalName, 'INC-OTHER-USER');

    const byId = await getWithCode(`/audit?action=sessions.revoke&userId=${adele.id}`);
    const byUpn = await getWithCode(
      `/audit?action=sessions.revoke&userId=${encodeURIComponent(adele.userPrincipalName)}`,
    );
    const byUpperUpn = await getWithCode(
      `/audit?action=sessions.revoke&userId=${encodeURIComponent(adele.userPrincipalName.toUpperCase())}`,
    );
    expect(byId.status).toBe(200);
    expect(tickets(byId.body)).toEqual(['INC-BY-ID', 'INC-BY-UPN']);
    expect(byUpn.body).toEqual(byId.body);
    expect(byUpperUpn.body).toEqual(byId.body);
  });

  it('answers 404 user_not_found for a UPN the directory does not know', async () => {
    const answer = await getWithCode('/audit?userId=nobody@contoso.onmicrosoft.com');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('user_not_found');
  });

  it('refuses a userId that is neither a GUID nor a UPN', async () => {
    const answer = await getWithCode(`/audit?userId=${encodeURIComponent("x' or 1 eq 1")}`);
    expect(answer.status).toBe(400);
    expect((answer.body.errors as { path: string }[]).map((error) => error.path)).toEqual(['query.userId']);
  });
});
