import type { Registration } from './registration-audit';

/** Why a registration after a recovery looks like someone else's. */
export type AnomalyReason = 'new_ip_address' | 'new_country' | 'ip_address_unknown' | 'several_methods';

/** What a sign-in tells about where it came from. */
export interface SignInOrigin {
  ipAddress?: string | null;
  location?: { countryOrRegion?: string | null } | null;
}

/** Where the user signed in from before the recovery. */
export interface Baseline {
  ipAddresses: ReadonlySet<string>;
  countries: ReadonlySet<string>;
}

export interface JudgedRegistration extends Registration {
  /** The country Graph placed the registering address in (from the user's sign-ins after the recovery). */
  country?: string;
  reasons: AnomalyReason[];
}

const ipKey = (ip: string) => ip.trim().toLowerCase();
const countryKey = (country: string) => country.trim().toUpperCase();

export function baselineOf(signIns: Iterable<SignInOrigin>): Baseline {
  const ipAddresses = new Set<string>();
  const countries = new Set<string>();
  for (const signIn of signIns) {
    if (signIn.ipAddress) ipAddresses.add(ipKey(signIn.ipAddress));
    const country = signIn.location?.countryOrRegion;
    if (country) countries.add(countryKey(country));
  }
  return { ipAddresses, countries };
}

/**
 * Address → country, from sign-ins: a directory audit has the address but no location, while the
 * sign-in that opened the registering session (with the TAP, after a TAP) has both.
 */
export function countriesByAddress(signIns: Iterable<SignInOrigin>): Map<string, string> {
  const countries = new Map<string, string>();
  for (const signIn of signIns) {
    const country = signIn.location?.countryOrRegion;
    if (signIn.ipAddress && country) countries.set(ipKey(signIn.ipAddress), countryKey(country));
  }
  return countries;
}

/**
 * The registrations of one watch window that look like an attacker's, each with its reasons: one
 * from an address, or a country, the user never signed in from before the recovery (or from no
 * address at all: nothing to vouch for it), and every one of them when more than one method was
 * registered in the window. Empty when nothing is anomalous.
 */
export function judgeRegistrations(
  registrations: readonly Registration[],
  baseline: Baseline,
  countries: ReadonlyMap<string, string>,
): JudgedRegistration[] {
  const several = new Set(registrations.map((registration) => registration.id)).size > 1;
  const judged: JudgedRegistration[] = [];
  for (const registration of registrations) {
    const reasons: AnomalyReason[] = [];
    const ip = registration.ipAddress === undefined ? undefined : ipKey(registration.ipAddress);
    const country = ip === undefined ? undefined : countries.get(ip);
    if (ip === undefined) reasons.push('ip_address_unknown');
    else if (!baseline.ipAddresses.has(ip)) reasons.push('new_ip_address');
    if (country !== undefined && !baseline.countries.has(country)) reasons.push('new_country');
    if (several) reasons.push('several_methods');
    if (reasons.length === 0) continue;
    judged.push({ ...registration, ...(country === undefined ? {} : { country }), reasons });
  }
  return judged;
}
