import { randomUUID } from 'node:crypto';

import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';

import { demoSeedUser } from '../support/demo-tenant';
import { callStack, runFunctionNow } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// The watch after a recovery end to end: a TAP issued over the API, a method registered "as the
// user" through the simulator's control API, the scan triggered through the host's admin endpoint,
// the flag read over the API and the event off the recovery-events queue.

// The scan reads up to now, so a registration made a moment ago is in its window.
const stack = useStack({ appSettings: { DETECT_LOCKOUTS_END_OFFSET_MINUTES: '0' } });

const HOME = { ipAddress: '203.0.113.7', countryOrRegion: 'GB' };
const ABROAD = { ipAddress: '192.0.2.44', countryOrRegion: 'NG' };
const SCAN_LOG = /detectLockouts: outcome=(\w+).* watched=(\d+) raised=(\d+)/g;

/** Where the user signed in from before: home, two days ago. */
function signedInFromHome(userId: string): void {
  stack().graph.addSignIns([
    {
      userId,
      createdDateTime: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      ipAddress: HOME.ipAddress,
      location: { city: 'London', state: null, countryOrRegion: HOME.countryOrRegion },
      status: { errorCode: 0 },
    },
  ]);
}

async function issueTap(userId: string): Promise<void> {
  const tap = await callStack(
    stack(),
    'POST',
    `/users/${userId}/tap`,
    { ticket: 'INC-WATCH-1', verification: { method: 'video_call', reference: 'r' } },
    { 'idempotency-key': randomUUID() },
  );
  expect(tap.status).toBe(201);
}

async function registerAsUser(userId: string, place: typeof HOME): Promise<string> {
  const response = await fetch(`${stack().graph.url}/_sim/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: userId, ...place }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { audit: { id: string } }).audit.id;
}

/** Runs the scan through the admin endpoint and waits for its log line: outcome and watch counts. */
async function runScan(): Promise<{ outcome: string; watched: number; raised: number }> {
  const before = [...stack().host.output().matchAll(SCAN_LOG)].length;
  await runFunctionNow(stack(), 'detectLockouts');
  await expect
    .poll(() => [...stack().host.output().matchAll(SCAN_LOG)].length, { timeout: 30_000 })
    .toBe(before + 1);
  const line = [...stack().host.output().matchAll(SCAN_LOG)].at(-1);
  return { outcome: line?.[1] ?? '', watched: Number(line?.[2]), raised: Number(line?.[3]) };
}

async function anomalyEvents(): Promise<Record<string, unknown>[]> {
  const queue = QueueServiceClient.fromConnectionString(stack().storageConnectionString).getQueueClient(
    'recovery-events',
  );
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems
    .map((item) => JSON.parse(item.messageText) as Record<string, unknown>)
    .filter((event) => event.type === 'security.post_recovery_anomaly');
}

describe('the watch after a recovery, through the local host', () => {
  const victim = demoSeedUser('ordinaryUser');
  const helped = demoSeedUser('dollarUser');

  it('flags a method registered from a new country after a TAP: one flag, one high-severity event', async () => {
    signedInFromHome(victim.id);
    await issueTap(victim.id);
    const auditId = await registerAsUser(victim.id, ABROAD);

    expect(await runScan()).toEqual({ outcome: 'complete', watched: 1, raised: 1 });
    const flag = await callStack(stack(), 'GET', `/lockouts/${victim.id}`);
    expect(flag.status).toBe(200);
    expect(flag.body).toMatchObject({
      userId: victim.id.toLowerCase(),
      category: 'post_recovery_anomaly',
      status: 'open',
      anomaly: {
        recovery: { action: 'tap.issue' },
        registrations: [{ id: auditId, ipAddress: ABROAD.ipAddress, country: 'NG' }],
      },
    });
    const listed = await callStack(stack(), 'GET', '/lockouts?category=post_recovery_anomaly');
    expect((listed.body.lockouts as { userId: string }[]).map((item) => item.userId)).toEqual([
      victim.id.toLowerCase(),
    ]);
    const events = await anomalyEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      severity: 'high',
      targetId: victim.id.toLowerCase(),
      eventId: flag.body.openEventId,
    });
  });

  it('lets one method registered from home pass, and raises nothing twice', async () => {
    signedInFromHome(helped.id);
    await issueTap(helped.id);
    await registerAsUser(helped.id, HOME);

    // Both users are watched now; the victim's registration is read again (look-back).
    expect(await runScan()).toEqual({ outcome: 'complete', watched: 2, raised: 0 });
    expect((await callStack(stack(), 'GET', `/lockouts/${helped.id}`)).status).toBe(404);
    expect(await anomalyEvents()).toHaveLength(1);
  });
});
