import type { LockoutFlag } from '../../../src/lib/detection/lockout-flag';

/** An open lockout flag for user n; ids sort as n does. */
export function lockoutFlag(n: number, overrides: Partial<LockoutFlag> = {}): LockoutFlag {
  const id = `0000000${n}`.slice(-8);
  return {
    userId: `${id}-0000-4000-8000-000000000000`,
    userPrincipalName: `User${n}@Contoso.com`,
    category: 'lockout',
    status: 'open',
    protected: false,
    lockoutAttempts: 3,
    attackAttempts: 0,
    firstFailureAt: '2026-11-25T10:00:00.000Z',
    lastFailureAt: `2026-11-25T10:${String(n).padStart(2, '0')}:00.000Z`,
    recentEvents: [
      { id: `e${n}`, time: '2026-11-25T10:00:00.000Z', category: 'lockout', errorCode: 500121, details: 'x' },
    ],
    countedAttempts: ['abc@1764064800'],
    openedAt: '2026-11-25T11:00:00.000Z',
    updatedAt: '2026-11-25T11:00:00.000Z',
    openEventId: 'b2c1f4a0-0000-5000-a000-000000000000',
    reopenCount: 0,
    ...overrides,
  };
}
