import { randomUUID } from 'node:crypto';

import { beforeEach, describe, expect, it } from 'vitest';

import type { SignInInput } from '../../../local/graph/sign-in-store';
import { detectLockouts } from '../../../src/lib/detection/detect-lockouts';
import { useGraphSimulator } from '../../support/graph-fixture';
import { useAzurite } from '../storage/azurite-fixture';
import { detectionRig } from './detection-fixture';

// A user already flagged for a lockout who then denies or reports a prompt is under attack: the
// flag's upgrade to suspected_attack is announced on lockout-events (read from Azurite's queue) and
// to security operations, once, like a new flag.

const graph = useGraphSimulator({ resetAfterEach: true });
const storage = useAzurite();

beforeEach(() => {
  graph.simulator.setReportsThrottling({ enabled: false });
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function failures(userId: string, count: number, at: number, details: string): SignInInput[] {
  return Array.from({ length: count }, (_, index) => ({
    userId,
    userPrincipalName: `${userId.slice(0, 8)}@contoso.com`,
    createdDateTime: minutesAgo(at + index),
    status: { errorCode: 500121, additionalDetails: details },
  }));
}

const TIMED_OUT = 'MFA denied; user did not respond to mobile app notification';

describe('a lockout flag that escalates to suspected_attack', () => {
  it.each([
    ['a declined prompt', 'MFA denied; user declined the authentication'],
    ['a fraud report', 'MFA denied; Phone App Reported Fraud'],
  ])('is announced on lockout-events and to security operations after %s', async (_name, details) => {
    const rig = await detectionRig(graph, storage);
    const user = randomUUID();
    graph.simulator.addSignIns(failures(user, 3, 40, TIMED_OUT));
    await detectLockouts(rig.deps);
    const opened = await rig.messages();
    expect(opened.map((message) => [message.userId, message.type, message.category])).toEqual([
      [user, 'lockout.opened', 'lockout'],
    ]);
    expect(rig.notices).toEqual([]);

    graph.simulator.addSignIns(failures(user, 1, 4, details));
    const report = await detectLockouts(rig.deps);

    expect(report.updated).toBe(1);
    expect(await rig.deps.lockouts.get(user)).toMatchObject({
      status: 'open',
      category: 'suspected_attack',
      lockoutAttempts: 3,
      attackAttempts: 1,
    });
    const messages = await rig.messages();
    expect(messages.map((message) => [message.userId, message.type, message.category])).toEqual([
      [user, 'lockout.opened', 'lockout'],
      [user, 'lockout.escalated', 'suspected_attack'],
    ]);
    const escalation = messages[1];
    expect(escalation).toMatchObject({ schemaVersion: 1, lockoutAttempts: 3, attackAttempts: 1 });
    expect(escalation?.eventId).not.toBe(messages[0]?.eventId);
    expect(rig.notices).toEqual([
      expect.objectContaining({
        type: 'security.mfa_attack_suspected',
        targetId: user,
        eventId: escalation?.eventId,
      }),
    ]);
  });

  it('is announced once: more attack events on an escalated flag send nothing new', async () => {
    const rig = await detectionRig(graph, storage);
    const user = randomUUID();
    graph.simulator.addSignIns(failures(user, 3, 40, TIMED_OUT));
    await detectLockouts(rig.deps);
    graph.simulator.addSignIns(failures(user, 1, 20, 'MFA denied; user declined the authentication'));
    await detectLockouts(rig.deps);
    graph.simulator.addSignIns(failures(user, 1, 4, 'MFA denied; Phone App Reported Fraud'));
    await detectLockouts(rig.deps);
    expect((await rig.messages()).map((message) => message.type)).toEqual([
      'lockout.opened',
      'lockout.escalated',
    ]);
    expect(rig.notices).toHaveLength(1);
    expect(await rig.deps.lockouts.get(user)).toMatchObject({ attackAttempts: 2 });
  });
});
