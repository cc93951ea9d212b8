import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  attemptId,
  attemptTime,
  attemptToken,
  isAttack,
  mergeAttempts,
  packAttempt,
  tokenId,
  tokenTime,
} from '../../../src/lib/detection/attempt';

const T1 = Date.parse('2026-11-25T10:00:01.250Z');
const T2 = Date.parse('2026-11-25T10:04:59.999Z');

describe('packed attempts', () => {
  it.each([
    [T1, false],
    [T1, true],
    [T2, false],
    [T2, true],
  ])('round-trips time %i and attack %s', (time, attack) => {
    const packed = packAttempt(time, attack);
    expect(attemptTime(packed)).toBe(time);
    expect(isAttack(packed)).toBe(attack);
  });

  it('merges to the earliest time, in either order', () => {
    const early = packAttempt(T1, false);
    const late = packAttempt(T2, false);
    expect(attemptTime(mergeAttempts(early, late))).toBe(T1);
    expect(attemptTime(mergeAttempts(late, early))).toBe(T1);
  });

  it('keeps the attack bit once any event of the attempt was an attack', () => {
    const lockout = packAttempt(T1, false);
    const attack = packAttempt(T2, true);
    expect(isAttack(mergeAttempts(lockout, attack))).toBe(true);
    expect(isAttack(mergeAttempts(attack, lockout))).toBe(true);
    expect(isAttack(mergeAttempts(lockout, packAttempt(T2, false)))).toBe(false);
    const merged = mergeAttempts(attack, lockout);
    expect(attemptTime(merged)).toBe(T1);
  });
});

describe('attemptId', () => {
  const correlationId = '7F3C2A10-ABCD-4EF0-9A1B-0123456789AB';

  it('is the same for the same correlation id in any case, whatever the sign-in id', () => {
    const upper = attemptId({ id: 'sign-in-1', correlationId });
    const lower = attemptId({ id: 'sign-in-2', correlationId: correlationId.toLowerCase() });
    expect(upper).toBe(lower);
    expect(upper).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('differs for another correlation id', () => {
    expect(attemptId({ id: 's', correlationId: 'corr-1' })).not.toBe(
      attemptId({ id: 's', correlationId: 'corr-2' }),
    );
  });

  it('falls back to the sign-in id without a correlation id', () => {
    const a = attemptId({ id: 'sign-in-1', correlationId: undefined });
    const b = attemptId({ id: 'sign-in-2', correlationId: '' });
    expect(a).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a).not.toBe(b);
    expect(attemptId({ id: 'sign-in-1', correlationId: undefined })).toBe(a);
    // Not the id of a correlation id that happens to equal the sign-in id.
    expect(a).not.toBe(attemptId({ id: 'x', correlationId: 'sign-in-1' }));
  });
});

describe('attempt tokens', () => {
  it('round-trips the id and the time, to the second', () => {
    const id = attemptId({ id: 'sign-in-1', correlationId: 'corr-1' });
    const token = attemptToken(id, packAttempt(T1, true));
    expect(tokenId(token)).toBe(id);
    expect(tokenTime(token)).toBe(Math.floor(T1 / 1000) * 1000);
    expect(tokenTime(attemptToken(id, packAttempt(T2, false)))).toBe(Math.floor(T2 / 1000) * 1000);
  });

  it('matches the token a flag stored before packed attempts', () => {
    const correlationId = '7F3C2A10-ABCD-4EF0-9A1B-0123456789AB';
    const legacy =
      createHash('sha256').update(`c:${correlationId.toLowerCase()}`).digest('base64url').slice(0, 16) +
      `@${Math.floor(T2 / 1000)}`;
    const id = attemptId({ id: 'sign-in-9', correlationId });
    expect(attemptToken(id, packAttempt(T2, true))).toBe(legacy);
    expect(attemptToken(id, packAttempt(T2, false))).toBe(legacy);
  });
});
