import { type FilterCursor, FilterError, parseBooleanFilter, type Predicate } from './filter-expression';
import type { GraphErrorSpec } from './messages';
import { ReportsErrors } from './reports-errors';

/**
 * `$filter` and `$orderby` for the registration report, over its rows as projected
 * (projection/user-registration-details.ts). What the list page
 * (https://learn.microsoft.com/en-us/graph/api/authenticationmethodsroot-list-userregistrationdetails)
 * and the resource page (https://learn.microsoft.com/en-us/graph/api/resources/userregistrationdetails)
 * document:
 * - `eq` on the booleans isMfaCapable, isMfaRegistered, isPasswordlessCapable, isSsprCapable,
 *   isSsprEnabled, isSsprRegistered and isSystemPreferredAuthenticationMethodEnabled;
 * - `eq` and `startswith` on userPrincipalName and userDisplayName, ignoring case;
 * - `methodsRegistered/any(x:x eq 'email')` ([obs] microsoftgraph/microsoft-graph-docs-contrib#8786:
 *   the page's `methodsRegistered eq 'email'` can't work on a collection, so it is refused);
 * - `$orderby` on userPrincipalName and userDisplayName.
 * Also accepted (inferred): `eq` on isAdmin, userType and userPreferredMethodForSecondaryAuthentication,
 * and clauses joined with `and`/`or` in parentheses, which public clients of this report send
 * (pnp/cli-microsoft365 `entra user registrationdetails list`). The documented
 * `systemPreferredAuthenticationMethods/any(…)` fails on Graph with UnknownError "Unable to find
 * nonEntity type name" ([obs] microsoftgraph/microsoft-graph-docs-contrib#9060; status inferred).
 * Anything else is the reports service's "Invalid filter clause".
 */

export type RegistrationRow = Record<string, unknown>;

const BOOLEANS = [
  'isAdmin',
  'isMfaCapable',
  'isMfaRegistered',
  'isPasswordlessCapable',
  'isSsprCapable',
  'isSsprEnabled',
  'isSsprRegistered',
  'isSystemPreferredAuthenticationMethodEnabled',
];
const TEXTS_WITH_STARTSWITH = ['userPrincipalName', 'userDisplayName'];
const TEXTS = [...TEXTS_WITH_STARTSWITH, 'userType', 'userPreferredMethodForSecondaryAuthentication'];
const COLLECTIONS = ['methodsRegistered'];
const UNFILTERABLE_COLLECTIONS = ['systemPreferredAuthenticationMethods'];

/** Documented spellings by lower-case name (property names in `$filter` ignore case, inferred). */
const byLowerCase = (names: readonly string[]) => new Map(names.map((name) => [name.toLowerCase(), name]));
const BOOLEAN_NAMES = byLowerCase(BOOLEANS);
const TEXT_NAMES = byLowerCase(TEXTS);
const STARTSWITH_NAMES = byLowerCase(TEXTS_WITH_STARTSWITH);
const COLLECTION_NAMES = byLowerCase(COLLECTIONS);
const UNFILTERABLE_NAMES = byLowerCase(UNFILTERABLE_COLLECTIONS);

/** A documented collection the service can't filter after all. */
class UnfilterableError extends Error {}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : undefined);

function stringLiteral(cursor: FilterCursor): string {
  const value = cursor.take();
  if (value.kind !== 'string') throw new FilterError('expected a quoted string');
  return value.text.toLowerCase();
}

/** `(x:x eq 'value')` after `collection/any`; the lambda variable may be spaced (`x: x`). */
function anyEquals(cursor: FilterCursor): string {
  cursor.expect('(');
  const [variable, rest] = cursor.take().text.split(':', 2);
  if (!variable || rest === undefined) throw new FilterError('lambda');
  const subject = rest === '' ? cursor.take().text : rest;
  if (subject !== variable || cursor.take().text.toLowerCase() !== 'eq') throw new FilterError('lambda');
  const wanted = stringLiteral(cursor);
  cursor.expect(')');
  return wanted;
}

function clause(cursor: FilterCursor): Predicate<RegistrationRow> {
  const first = cursor.take();
  if (first.kind !== 'word') throw new FilterError('expected a property');
  const word = first.text.toLowerCase();
  if (word === 'startswith') {
    cursor.expect('(');
    const property = STARTSWITH_NAMES.get(cursor.take().text.toLowerCase());
    cursor.expect(',');
    const prefix = stringLiteral(cursor);
    cursor.expect(')');
    if (property === undefined) throw new FilterError('startswith');
    return (row) => lower(row[property])?.startsWith(prefix) === true;
  }
  if (word.endsWith('/any')) {
    const name = word.slice(0, -'/any'.length);
    if (UNFILTERABLE_NAMES.has(name)) throw new UnfilterableError(name);
    const property = COLLECTION_NAMES.get(name);
    if (property === undefined) throw new FilterError(word);
    const wanted = anyEquals(cursor);
    return (row) => {
      const values = row[property];
      return Array.isArray(values) && values.some((value) => lower(value) === wanted);
    };
  }
  if (cursor.take().text.toLowerCase() !== 'eq') throw new FilterError(`${word}: only eq`);
  const booleanProperty = BOOLEAN_NAMES.get(word);
  if (booleanProperty !== undefined) {
    const value = cursor.take();
    const literal = value.kind === 'word' ? value.text.toLowerCase() : '';
    if (literal !== 'true' && literal !== 'false') throw new FilterError(`${word}: true or false`);
    const wanted = literal === 'true';
    return (row) => row[booleanProperty] === wanted;
  }
  const textProperty = TEXT_NAMES.get(word);
  if (textProperty === undefined) throw new FilterError(word);
  const wanted = stringLiteral(cursor);
  return (row) => lower(row[textProperty]) === wanted;
}

/** Parses the report's `$filter`; an error is the answer Graph gives instead of a page. */
export function parseRegistrationFilter(
  text: string,
): { ok: true; matches: Predicate<RegistrationRow> } | { ok: false; error: GraphErrorSpec } {
  try {
    return { ok: true, matches: parseBooleanFilter(text, clause) };
  } catch (error) {
    if (error instanceof UnfilterableError)
      return { ok: false, error: ReportsErrors.unfilterableCollection() };
    if (error instanceof FilterError) return { ok: false, error: ReportsErrors.invalidFilter() };
    throw error;
  }
}

/** `$orderby=userDisplayName` (or userPrincipalName), `asc` or `desc`; undefined when it can't be run. */
export function parseRegistrationOrderBy(
  text: string,
): ((a: RegistrationRow, b: RegistrationRow) => number) | undefined {
  const match = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(text);
  const property = match ? STARTSWITH_NAMES.get((match[1] ?? '').toLowerCase()) : undefined;
  if (match === null || property === undefined) return undefined;
  const direction = match[2]?.toLowerCase() === 'desc' ? -1 : 1;
  return (a, b) => direction * (lower(a[property]) ?? '').localeCompare(lower(b[property]) ?? '');
}
