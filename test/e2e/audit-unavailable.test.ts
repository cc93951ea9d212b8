import { randomUUID } from 'node:crypto';

import { beforeAll, describe, expect, it } from 'vitest';

import { closedPort } from '../support/closed-port';
import { demoSeedUser } from '../support/demo-tenant';
import { callerHeaders } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

let port: number;
beforeAll(async () => {
  port = await closedPort();
});
const stack = useStack(() => ({
  appSettings: {
    STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('x').toString('base64')};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
  },
}));

describe('an action while the audit store is down', () => {
  it('is refused with 503 audit_unavailable and changes nothing in the tenant', async () => {
    const user = demoSeedUser('ordinaryUser');
    stack().graph.clearRequests();
    const response = await fetch(`${stack().baseUrl}/users/${user.id}/mfa/reset`, {
      method: 'POST',
      headers: {
        ...callerHeaders(stack()),
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({ ticket: 'INC1', verification: { method: 'video_call', reference: 'r' } }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe('audit_unavailable');
    expect(
      stack()
        .graph.requests()
        .filter((request) => request.method !== 'GET' && !request.path.endsWith('$batch')),
    ).toHaveLength(0);
    expect(
      stack()
        .graph.state()
        .users.find((candidate) => candidate.id === user.id)?.authenticationMethods,
    ).toHaveLength(user.authenticationMethods.length);
  });
});
