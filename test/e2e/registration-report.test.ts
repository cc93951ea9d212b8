import { describe, expect, it } from 'vitest';

import { demoSeed } from '../support/demo-tenant';
import { callerHeaders, runFunctionNow } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// The registration report routes through the local host: the scan triggered through the host's
// admin endpoint (as in Azure), then both routes read. Expected classes come from the demo seed's
// methods (docs/registration.md); the SMS and voice retirement is pinned far ahead, so the classes
// don't depend on today's date.

const stack = useStack({ appSettings: { TELEPHONY_RETIREMENT_DATE: '2999-02-01' } });

const seed = demoSeed();
const idOf = (name: string) => {
  const user = seed.users.find((candidate) => candidate.userPrincipalName.startsWith(`${name}@`));
  if (user === undefined) throw new Error(`no ${name} in the demo seed`);
  return user.id;
};
/** The seed's single-method users (a TAP doesn't count) and its SMS/voice-only ones. */
const SINGLE_METHOD = ['GradyA', 'DebraB', 'NestorW', 'LynneR', 'MiriamG', 'JoniS', 'PradeepG'].map(idOf);
const SMS_VOICE_ONLY = ['$AlexW', 'JohannaL'].map(idOf);
const ENABLED_USERS = seed.users.filter((user) => user.accountEnabled).length;

async function get(path: string, headers: Record<string, string> = callerHeaders(stack())) {
  const response = await fetch(`${stack().baseUrl}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const runScan = () => runFunctionNow(stack(), 'scanRegistration');

interface UserView {
  userId: string;
  class: string;
}

describe('registration report routes through the local host', () => {
  it('before the first scan: no latest, no trend, no users', async () => {
    const report = await get('/reports/registration');
    expect(report).toEqual({
      status: 200,
      body: {
        telephonyProvider: 'microsoft',
        telephonyRetirement: '2999-02-01T00:00:00.000Z',
        latest: null,
        trend: [],
      },
    });
    expect(await get('/reports/registration/users?class=single_method')).toEqual({
      status: 200,
      body: { users: [] },
    });
  });

  it('after a scan: the counts, then every user of a class page by page', async () => {
    await runScan();
    await expect
      .poll(async () => (await get('/reports/registration')).body.latest, { timeout: 60_000, interval: 500 })
      .not.toBeNull();
    const { body } = await get('/reports/registration');
    const latest = body.latest as { users: number; counts: Record<string, Record<string, number>> };
    expect(latest.users).toBe(ENABLED_USERS);
    const perClass = (cls: string) =>
      Object.values(latest.counts).reduce((sum, counts) => sum + (counts[cls] ?? 0), 0);
    expect(perClass('single_method')).toBe(SINGLE_METHOD.length);
    expect(perClass('sms_voice_only')).toBe(SMS_VOICE_ONLY.length);
    expect(body.trend).toEqual([body.latest]);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await get(
        `/reports/registration/users?class=single_method&limit=3${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`,
      );
      expect(page.status).toBe(200);
      const users = page.body.users as UserView[];
      expect(users.length).toBeLessThanOrEqual(3);
      expect(users.every((user) => user.class === 'single_method')).toBe(true);
      seen.push(...users.map((user) => user.userId));
      token = page.body.continuationToken as string | undefined;
      pages += 1;
    } while (token !== undefined && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect([...seen].sort()).toEqual([...SINGLE_METHOD].sort());

    const sms = await get('/reports/registration/users?class=sms_voice_only');
    expect((sms.body.users as UserView[]).map((user) => user.userId).sort()).toEqual(
      [...SMS_VOICE_ONLY].sort(),
    );
    expect(sms.body.users).toContainEqual(
      expect.objectContaining({ telephonyEnds: '2999-02-01T00:00:00.000Z' }),
    );
  });

  it('refuses a class that is not at risk, a missing class and a forged token: 400', async () => {
    for (const query of [
      'class=ready',
      '',
      'class=single_method&continuationToken=abc',
      'class=no_mfa&limit=0',
    ]) {
      const answer = await get(`/reports/registration/users?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('invalid_request');
    }
  });

  it('refuses a request without a credential: 401', async () => {
    for (const path of ['/reports/registration', '/reports/registration/users?class=no_mfa']) {
      expect((await get(path, {})).status).toBe(401);
    }
  });
});
