import { describe, expect, it } from 'vitest';

import { targetAccessRefusal } from '../../../src/lib/auth/target-access';
import { loadCallerSettings } from '../../../src/lib/config';
import type { GuardDecision } from '../../../src/lib/guard';
import { testCaller } from '../../support/callers';

const TENANT = '2f85a001-1450-4f57-8ed3-c840c8849cd8';
const SCOPED = 'user:4c2a1d3b-6e5f-4a7b-8c9d-8e7f6a5b4c32';
const UNIT = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const GROUP = '4ef5fd35-a931-4b62-ac2e-4ff31e76d20b';

const settings = loadCallerSettings({
  CALLER_AUTH: 'entraToken',
  CALLER_TENANT_ID: TENANT,
  CALLER_API_CLIENT_ID: '5d0f8e34-3c3a-4a0e-9d61-0a4b1f6c2e77',
  CALLER_SCOPES: JSON.stringify({ [SCOPED]: [UNIT.toUpperCase(), GROUP] }),
  STEP_UP_AUTH_CONTEXT: 'c7',
});

const target = (memberships: { groups?: string[]; units?: string[] } = {}) => ({
  id: '66b022fa-5f4b-45ff-86f2-1ae4037c6f3d',
  userPrincipalName: 'a@contoso.onmicrosoft.com',
  groupIds: new Set(memberships.groups ?? []),
  administrativeUnitIds: new Set(memberships.units ?? []),
});
const allowed = (memberships?: { groups?: string[]; units?: string[] }): GuardDecision => ({
  allowed: true,
  target: target(memberships),
  graphRequestIds: [],
});
const refused = (code: 'protected_account' | 'break_glass_account'): GuardDecision => ({
  allowed: false,
  code,
  reasons: [],
  target: target(),
  graphRequestIds: [],
});

describe('targetAccessRefusal', () => {
  const scoped = testCaller({ id: SCOPED, kind: 'user' });

  it('lets a scoped caller act on members of its administrative units or groups only', () => {
    expect(targetAccessRefusal(scoped, allowed({ units: [UNIT] }), settings)).toBeUndefined();
    expect(targetAccessRefusal(scoped, allowed({ groups: [GROUP] }), settings)).toBeUndefined();
    const outside = targetAccessRefusal(
      scoped,
      allowed({ groups: ['7bbd059a-ac06-40eb-a737-34a9df4711a5'] }),
      settings,
    );
    expect(outside?.code).toBe('out_of_scope');
    // The caller is told why, in words an operator can act on (docs/callers.md, "Object scope").
    expect(outside?.detail).toBe(
      'This caller may act only on members of its administrative units or groups.',
    );
    expect(targetAccessRefusal(testCaller(), allowed(), settings)).toBeUndefined();
  });

  it('challenges a signed-in person without the auth context on a protected account only', () => {
    const person = testCaller({ id: 'user:5d3b2e4c-7f6a-4b8c-9d0e-9f8a7b6c5d43', kind: 'user' });
    const challenge = targetAccessRefusal(person, refused('protected_account'), settings);
    expect(challenge?.code).toBe('step_up_required');
    expect(challenge?.options.wwwAuthenticate).toContain(`realm="${TENANT}"`);
    expect(targetAccessRefusal(person, allowed(), settings)).toBeUndefined();
    expect(targetAccessRefusal(person, refused('break_glass_account'), settings)).toBeUndefined();
    const stepped = testCaller({ id: person.id, kind: 'user', authContexts: new Set(['c7']) });
    expect(targetAccessRefusal(stepped, refused('protected_account'), settings)).toBeUndefined();
    const app = testCaller({ id: 'app:c0a8e1d2-7b4f-4c39-8e5a-2f61d9b3a415', kind: 'application' });
    expect(targetAccessRefusal(app, refused('protected_account'), settings)).toBeUndefined();
  });
});
