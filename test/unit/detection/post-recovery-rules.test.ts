import { describe, expect, it } from 'vitest';

import {
  baselineOf,
  countriesByAddress,
  judgeRegistrations,
} from '../../../src/lib/detection/post-recovery-rules';
import type { Registration } from '../../../src/lib/detection/registration-audit';

const USER = '0b5e3a9c-2f41-4c6d-8e7a-9d1c2b3a4f50';
const HOME = { ipAddress: '203.0.113.7', location: { countryOrRegion: 'GB' } };
const OFFICE = { ipAddress: '2001:DB8::1', location: { countryOrRegion: 'gb' } };

const registration = (id: string, ipAddress?: string): Registration => ({
  id,
  time: `2026-11-25T10:0${id.length}:00.000Z`,
  userId: USER,
  ...(ipAddress === undefined ? {} : { ipAddress }),
});

describe('baselineOf', () => {
  it('collects addresses (lower case, trimmed) and countries (upper case) of the sign-ins', () => {
    const baseline = baselineOf([HOME, OFFICE, { ipAddress: ' 198.51.100.9 ', location: null }]);
    expect([...baseline.ipAddresses]).toEqual(['203.0.113.7', '2001:db8::1', '198.51.100.9']);
    expect([...baseline.countries]).toEqual(['GB']);
  });

  it('skips sign-ins without an address or a country', () => {
    const baseline = baselineOf([{ ipAddress: null, location: { countryOrRegion: '' } }, {}]);
    expect(baseline.ipAddresses.size).toBe(0);
    expect(baseline.countries.size).toBe(0);
  });
});

describe('countriesByAddress', () => {
  it('places each address in the country of its sign-in', () => {
    const countries = countriesByAddress([
      { ipAddress: '192.0.2.44', location: { countryOrRegion: 'ng' } },
      OFFICE,
      { ipAddress: '192.0.2.45', location: null },
      { ipAddress: null, location: { countryOrRegion: 'FR' } },
    ]);
    expect([...countries]).toEqual([
      ['192.0.2.44', 'NG'],
      ['2001:db8::1', 'GB'],
    ]);
  });
});

describe('judgeRegistrations', () => {
  const baseline = baselineOf([HOME, OFFICE]);
  const countries = countriesByAddress([
    HOME,
    { ipAddress: '192.0.2.44', location: { countryOrRegion: 'NG' } },
    { ipAddress: '198.51.100.20', location: { countryOrRegion: 'GB' } },
  ]);

  it('passes one method registered from an address and a country seen before the recovery', () => {
    expect(judgeRegistrations([registration('a', '203.0.113.7')], baseline, countries)).toEqual([]);
  });

  it('compares addresses whatever their case and spacing', () => {
    expect(judgeRegistrations([registration('a', ' 2001:db8::1 ')], baseline, countries)).toEqual([]);
  });

  it('flags a new address in a new country, with the country', () => {
    expect(judgeRegistrations([registration('a', '192.0.2.44')], baseline, countries)).toEqual([
      { ...registration('a', '192.0.2.44'), country: 'NG', reasons: ['new_ip_address', 'new_country'] },
    ]);
  });

  it('flags a new address in a known country for the address alone', () => {
    expect(judgeRegistrations([registration('a', '198.51.100.20')], baseline, countries)).toEqual([
      { ...registration('a', '198.51.100.20'), country: 'GB', reasons: ['new_ip_address'] },
    ]);
  });

  it('flags a known address now placed in a new country', () => {
    const moved = countriesByAddress([{ ipAddress: '203.0.113.7', location: { countryOrRegion: 'BR' } }]);
    expect(judgeRegistrations([registration('a', '203.0.113.7')], baseline, moved)).toEqual([
      { ...registration('a', '203.0.113.7'), country: 'BR', reasons: ['new_country'] },
    ]);
  });

  it('flags a new address whose country is unknown, without a country', () => {
    expect(judgeRegistrations([registration('a', '192.0.2.99')], baseline, countries)).toEqual([
      { ...registration('a', '192.0.2.99'), reasons: ['new_ip_address'] },
    ]);
  });

  it('flags a registration without an address: nothing vouches for it', () => {
    expect(judgeRegistrations([registration('a')], baseline, countries)).toEqual([
      { ...registration('a'), reasons: ['ip_address_unknown'] },
    ]);
  });

  it('flags every registration when more than one method was registered, known places or not', () => {
    expect(
      judgeRegistrations(
        [registration('a', '203.0.113.7'), registration('bb', '192.0.2.44')],
        baseline,
        countries,
      ),
    ).toEqual([
      { ...registration('a', '203.0.113.7'), country: 'GB', reasons: ['several_methods'] },
      {
        ...registration('bb', '192.0.2.44'),
        country: 'NG',
        reasons: ['new_ip_address', 'new_country', 'several_methods'],
      },
    ]);
  });

  it('counts the same audit read twice as one method', () => {
    const same = registration('a', '203.0.113.7');
    expect(judgeRegistrations([same, same], baseline, countries)).toEqual([]);
  });

  it('flags everything when the user never signed in before', () => {
    const none = baselineOf([]);
    expect(judgeRegistrations([registration('a', '203.0.113.7')], none, countries)).toEqual([
      { ...registration('a', '203.0.113.7'), country: 'GB', reasons: ['new_ip_address', 'new_country'] },
    ]);
  });
});
