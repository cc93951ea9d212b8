import type { HistoryUser } from './lockout-plan';
import type { Random } from './random';

const FIRST = [
  'Aiko',
  'Amara',
  'Bruno',
  'Carmen',
  'Dmitri',
  'Elena',
  'Farah',
  'Gustav',
  'Hana',
  'Ivan',
  'Jonas',
  'Kaito',
  'Leila',
  'Mateo',
  'Nadia',
  'Oskar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
];
const LAST = [
  'Abara',
  'Berg',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lind',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Rossi',
  'Sato',
  'Tanaka',
  'Varga',
  'Weber',
  'Yilmaz',
];

/**
 * People the history needs beyond the demo tenant's handful: flags and audit rows only, never
 * simulator users (no Graph call ever names them). Names are unique, ids random GUIDs.
 */
export function syntheticUsers(random: Random, count: number, domain: string): HistoryUser[] {
  const upns = new Set<string>();
  const users: HistoryUser[] = [];
  while (users.length < count) {
    const upn = `${random.pick(FIRST)}${random.pick(LAST)}@${domain}`;
    if (upns.has(upn.toLowerCase())) continue;
    upns.add(upn.toLowerCase());
    users.push({ id: random.guid(), userPrincipalName: upn });
  }
  return users;
}
