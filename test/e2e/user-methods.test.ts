import { describe, expect, it } from 'vitest';

import { demoTenant } from '../support/demo-tenant';
import { useStack } from '../support/stack-fixture';

// Function-key mode: the host checks the key (header or ?code=) before the app runs.
const stack = useStack({ callerAuth: 'functionKey' });

const methodsUrl = (user: string) => `${stack().baseUrl}/users/${encodeURIComponent(user)}/methods`;
const withKey = () => ({ 'x-functions-key': stack().functionKey });

describe('GET /api/users/{user}/methods over HTTP', () => {
  it('answers 401 without a function key, before any Graph call', async () => {
    stack().graph.clearRequests();
    const response = await fetch(methodsUrl(demoTenant().ordinaryUser.userPrincipalName));
    expect(response.status).toBe(401);
    expect(stack().graph.requests()).toHaveLength(0);
  });

  it('answers 401 with a wrong function key', async () => {
    const response = await fetch(methodsUrl(demoTenant().ordinaryUser.userPrincipalName), {
      headers: { 'x-functions-key': 'wrong' },
    });
    expect(response.status).toBe(401);
  });

  it("returns the user and their methods, phones masked, with the caller's correlation id", async () => {
    const user = demoTenant().ordinaryUser;
    const response = await fetch(methodsUrl(user.userPrincipalName), {
      headers: { ...withKey(), 'x-correlation-id': 'INC0042' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('INC0042');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as {
      user: { id: string };
      methods: { id: string; type: string; details: Record<string, unknown> }[];
    };
    expect(body.user.id).toBe(user.id);
    expect(body.methods.map((method) => method.id).sort()).toEqual([...user.methodIds].sort());
    const phoneNumbers = body.methods
      .filter((method) => method.type === 'phone')
      .map((m) => m.details.phoneNumber);
    expect(phoneNumbers.length).toBeGreaterThan(0);
    for (const number of phoneNumbers) expect(number).toMatch(/^[+* ]*\d{4}(x\**)?$/);
    expect(JSON.stringify(body)).not.toContain(user.unmaskedPhoneNumbers[0]);
  });

  it('accepts the key in the code query parameter', async () => {
    const user = demoTenant().ordinaryUser;
    const response = await fetch(`${methodsUrl(user.id)}?code=${encodeURIComponent(stack().functionKey)}`);
    expect(response.status).toBe(200);
  });

  it('answers 400 problem+json for a malformed user without calling Graph', async () => {
    stack().graph.clearRequests();
    const response = await fetch(methodsUrl("x' or 1 eq 1"), { headers: withKey() });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
    expect(await response.json()).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(stack().graph.requests()).toHaveLength(0);
  });

  it('answers 404 user_not_found for an unknown user', async () => {
    const response = await fetch(methodsUrl('nobody@contoso.onmicrosoft.com'), { headers: withKey() });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { code: string; graphRequestId?: string; correlationId: string };
    expect(body.code).toBe('user_not_found');
    expect(body.graphRequestId).toBeTruthy();
    expect(body.correlationId).toBe(response.headers.get('x-correlation-id'));
  });

  it('answers 503 graph_throttled with Retry-After when Graph throttles past the budget', async () => {
    stack().graph.injectFault({
      method: 'GET',
      path: '/authentication/methods$',
      status: 429,
      retryAfter: 90,
      count: 1,
    });
    const response = await fetch(methodsUrl(demoTenant().ordinaryUser.id), { headers: withKey() });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('90');
    expect(await response.json()).toMatchObject({ code: 'graph_throttled' });
  });
});

describe('GET /api/health over HTTP', () => {
  it('is anonymous, healthy, and holds no tenant data', async () => {
    const response = await fetch(`${stack().baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
    const body = (await response.json()) as { status: string; checks: { name: string; status: string }[] };
    expect(body.status).toBe('healthy');
    expect(body.checks.map((check) => [check.name, check.status])).toEqual([
      ['tableStorage', 'healthy'],
      ['graphToken', 'healthy'],
      ['detection', 'healthy'],
    ]);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/@|onmicrosoft|eyJ/);
  });
});
