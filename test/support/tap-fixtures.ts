import type { TapPolicy } from '../../src/lib/graph/tap';

/** Microsoft's documented defaults for the TAP method configuration, for all users. */
export const TAP_POLICY: TapPolicy = {
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  isUsableOnce: false,
  includeTargets: [{ id: 'all_users', targetType: 'group' }],
  excludeTargets: [],
};

/** Graph's answer to the create, shaped as in Microsoft's "Create temporaryAccessPassMethod" example. */
export const TAP_CREATED = {
  id: '6f1c4b2b-3ac4-4f5e-8e6a-3f1c2b4d5e6f',
  temporaryAccessPass: 'TAPRocks!',
  createdDateTime: '2026-03-02T12:00:00.000Z',
  startDateTime: '2026-03-02T12:05:00.000Z',
  lifetimeInMinutes: 60,
  isUsableOnce: true,
  isUsable: true,
  methodUsabilityReason: 'EnabledByPolicy',
};
