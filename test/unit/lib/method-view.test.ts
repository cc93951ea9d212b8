import { describe, expect, it } from 'vitest';

import { toMethodView } from '../../../src/lib/lookup/method-view';

describe('toMethodView', () => {
  it('masks a phone number and keeps its type and SMS state', () => {
    const view = toMethodView({
      '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
      id: '3179e48a-750b-4051-897c-87b9720928f7',
      phoneNumber: '+1 2065555555',
      phoneType: 'mobile',
      smsSignInState: 'ready',
    });
    expect(view).toEqual({
      id: '3179e48a-750b-4051-897c-87b9720928f7',
      type: 'phone',
      odataType: '#microsoft.graph.phoneAuthenticationMethod',
      createdDateTime: null,
      details: { phoneType: 'mobile', smsSignInState: 'ready', phoneNumber: '+* ******5555' },
    });
  });

  it('never passes an OATH secret or a pass value through', () => {
    const oath = toMethodView({
      '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod',
      id: 'b172893e-893e-b172-3e89-72b13e8972b1',
      secretKey: 'JBSWY3DPEHPK3PXP',
    });
    const tap = toMethodView({
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      id: '6f1a0c4e-2b7d-4a8e-9c3f-1d2e3f4a5b6c',
      temporaryAccessPass: 'TAPRM&$QEn4o',
      lifetimeInMinutes: 60,
      isUsableOnce: true,
    });
    expect(JSON.stringify([oath, tap])).not.toMatch(/JBSWY3DPEHPK3PXP|TAPRM/);
    expect(tap.details).toEqual({ lifetimeInMinutes: 60, isUsableOnce: true });
  });

  it('names beta-only types and keeps the creation time', () => {
    const view = toMethodView({
      '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethod',
      id: 'aad49556-####',
      createdDateTime: '2024-01-02T03:04:05Z',
      serialNumber: 'TOTP123456',
    });
    expect(view.type).toBe('hardwareOath');
    expect(view.createdDateTime).toBe('2024-01-02T03:04:05Z');
    expect(view.details).toEqual({ serialNumber: 'TOTP123456' });
  });

  it('reports an unknown type without its properties', () => {
    const view = toMethodView({ '@odata.type': '#microsoft.graph.futureMethod', id: 'x', secret: 'y' });
    expect(view).toMatchObject({ type: 'unknown', odataType: '#microsoft.graph.futureMethod', details: {} });
  });
});
