import { createHash } from 'node:crypto';

import type { SignIn } from './sign-in';

/**
 * One attempt (the several near-identical events Graph publishes for one sign-in) in one number:
 * its earliest event time in epoch ms, doubled, plus 1 when any of its events was an attack. A scan
 * keeps every attempt of the window, so each costs a short id and a number, not an object.
 */
export type PackedAttempt = number;

export const packAttempt = (timeMs: number, attack: boolean): PackedAttempt => timeMs * 2 + (attack ? 1 : 0);
export const attemptTime = (packed: PackedAttempt): number => Math.floor(packed / 2);
export const isAttack = (packed: PackedAttempt): boolean => packed % 2 === 1;

/** The same attempt seen again: its earliest time, an attack if either was. */
export const mergeAttempts = (a: PackedAttempt, b: PackedAttempt): PackedAttempt =>
  packAttempt(Math.min(attemptTime(a), attemptTime(b)), isAttack(a) || isAttack(b));

/** 96 bits of SHA-256 over `c:<correlationId>` (`i:<sign-in id>` when Graph gave none), base64url. */
export function attemptId(signIn: Pick<SignIn, 'id' | 'correlationId'>): string {
  const key = signIn.correlationId ? `c:${signIn.correlationId.toLowerCase()}` : `i:${signIn.id}`;
  // 12 bytes → 16 characters, a string of its own (a slice of the full digest would keep it alive).
  return createHash('sha256').update(key).digest().toString('base64url', 0, 12);
}

/**
 * How a flag remembers a counted attempt, `<id>@<epoch seconds>`: the id says "already counted"
 * (whatever time a late event gives the attempt), the time lets it be forgotten past the horizon.
 */
export const attemptToken = (id: string, packed: PackedAttempt): string =>
  `${id}@${Math.floor(attemptTime(packed) / 1000)}`;
export const tokenId = (token: string): string => token.slice(0, token.indexOf('@'));
export const tokenTime = (token: string): number => Number(token.slice(token.indexOf('@') + 1)) * 1000;
