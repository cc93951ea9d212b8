import { describe, expect, it } from 'vitest';

import {
  registrationListPath,
  toRegistration,
  userSignInsPath,
} from '../../../src/lib/detection/registration-audit';

const USER = '0B5E3A9C-2F41-4C6D-8E7A-9D1C2B3A4F50';
const OTHER = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

/** Shaped as Graph's directoryAudit (resources/directoryaudit). */
const audit = (fields: Record<string, unknown> = {}) => ({
  id: 'Authentication Methods_1',
  category: 'UserManagement',
  activityDisplayName: 'User registered security info',
  activityDateTime: '2026-11-25T10:00:00.1234567+01:00',
  loggedByService: 'Authentication Methods',
  result: 'success',
  initiatedBy: { user: { id: OTHER, ipAddress: ' 192.0.2.44 ' }, app: null },
  targetResources: [
    { id: 'a-group', type: 'Group' },
    { id: USER, type: 'User' },
  ],
  additionalDetails: [
    { key: 'Correlation', value: 'x' },
    { key: 'Method', value: 'Microsoft Authenticator' },
  ],
  ...fields,
});

describe('toRegistration', () => {
  it("reads the target user, the initiator's address and the method", () => {
    expect(toRegistration(audit())).toEqual({
      id: 'Authentication Methods_1',
      time: '2026-11-25T09:00:00.123Z',
      userId: USER.toLowerCase(),
      ipAddress: '192.0.2.44',
      method: 'Microsoft Authenticator',
    });
  });

  it('falls back to the initiating user, and leaves out what the audit lacks', () => {
    expect(
      toRegistration(
        audit({
          targetResources: null,
          additionalDetails: null,
          initiatedBy: { user: { id: OTHER, ipAddress: '  ' } },
        }),
      ),
    ).toEqual({ id: 'Authentication Methods_1', time: '2026-11-25T09:00:00.123Z', userId: OTHER });
    expect(toRegistration(audit({ targetResources: [{ id: USER, type: 'Group' }] }))?.userId).toBe(OTHER);
  });

  it('bounds the texts it keeps', () => {
    const long = 'x'.repeat(500);
    const registration = toRegistration(
      audit({
        initiatedBy: { user: { id: OTHER, ipAddress: long } },
        additionalDetails: [{ key: 'method', value: long }],
      }),
    );
    expect(registration?.ipAddress).toHaveLength(100);
    expect(registration?.method).toHaveLength(100);
  });

  it('ignores failed registrations, registrations of nobody, and anything not an audit', () => {
    expect(toRegistration(audit({ result: 'failure' }))).toBeUndefined();
    expect(toRegistration(audit({ result: null }))).toBeUndefined();
    expect(
      toRegistration(audit({ targetResources: [], initiatedBy: { user: null, app: { appId: 'x' } } })),
    ).toBeUndefined();
    expect(toRegistration(audit({ activityDateTime: 'yesterday' }))).toBeUndefined();
    expect(toRegistration(audit({ id: '' }))).toBeUndefined();
    expect(toRegistration('nope')).toBeUndefined();
  });
});

describe('registrationListPath', () => {
  const start = new Date('2026-11-25T08:00:00Z');
  const end = new Date('2026-11-25T10:00:00Z');
  const filterOf = (path: string) => new URL(`https://graph.example${path}`).searchParams.get('$filter');

  it('asks for the window\'s "User registered security info" audits of the Authentication Methods service', () => {
    const path = registrationListPath({ start, end });
    expect(path.startsWith('/auditLogs/directoryAudits?$filter=')).toBe(true);
    expect(filterOf(path)).toBe(
      "activityDateTime ge 2026-11-25T08:00:00.000Z and activityDateTime le 2026-11-25T10:00:00.000Z and loggedByService eq 'Authentication Methods' and activityDisplayName eq 'User registered security info'",
    );
  });

  it("narrows to one user's own registrations, by object id only", () => {
    expect(filterOf(registrationListPath({ start, end, userId: USER }))).toMatch(
      / and initiatedBy\/user\/id eq '0b5e3a9c-2f41-4c6d-8e7a-9d1c2b3a4f50'$/,
    );
    expect(() => registrationListPath({ start, end, userId: "x' or 1 eq 1" })).toThrow(/object id/);
  });
});

describe('userSignInsPath', () => {
  it("asks for the user's successful sign-ins in the window, by object id only", () => {
    const path = userSignInsPath({
      userId: USER,
      start: new Date('2026-11-11T09:00:00Z'),
      end: new Date('2026-11-25T09:00:00Z'),
    });
    expect(path.startsWith('/auditLogs/signIns?$filter=')).toBe(true);
    expect(new URL(`https://graph.example${path}`).searchParams.get('$filter')).toBe(
      "userId eq '0b5e3a9c-2f41-4c6d-8e7a-9d1c2b3a4f50' and createdDateTime ge 2026-11-11T09:00:00.000Z and createdDateTime le 2026-11-25T09:00:00.000Z and status/errorCode eq 0",
    );
    expect(() =>
      userSignInsPath({ userId: 'someone@contoso.example', start: new Date(), end: new Date() }),
    ).toThrow(/object id/);
  });
});
