import {
  DATE_TIME_LITERAL,
  type FilterCursor,
  filterCursor,
  FilterError,
  valueAt,
} from './filter-expression';
import type { FilterToken } from './filter-tokens';
import type { GraphVersion } from './openapi-spec';
import type { SignInSeed } from './seed-schema';

/**
 * `$filter` for GET /auditLogs/signIns, per the beta resource page
 * (https://learn.microsoft.com/en-us/graph/api/resources/signin?view=graph-rest-beta):
 * - `createdDateTime` with `eq`, `ge`, `le` [doc], and `gt`, `lt` (inferred: Microsoft's AzureAD
 *   PowerShell examples and scripts in the wild send them and get results; one forum answer says
 *   they are refused, unconfirmed); the value an unquoted DateTimeOffset literal (a quoted one is
 *   refused, as observed in microsoft-graph-docs#14173);
 * - `status/errorCode` with `eq` [doc] and `ne` (Microsoft's AzureAD PowerShell doc example
 *   `status/errorCode ne 0`), an integer; several codes joined with `or`
 *   (`(status/errorCode eq 500121 or status/errorCode eq 50074)`), as widely used against Graph
 *   (public scripts); `in (…)` has no such evidence and is refused;
 * - the other documented properties with `eq` (and `startsWith` where documented), the collection
 *   riskEventTypes_v2 and beta's conditionalAccessAudiences matching when any item does (inferred);
 * - beta: `signInEventTypes/any(t: t eq '…')` (or `ne`, and tests joined with `or`).
 * Anything else answers 400 BadRequest "Invalid filter clause" ([obs] microsoft-graph-docs#5676,
 * #14173, azure-docs-powershell-azuread#623). Clauses combine with `and`, `or` and parentheses.
 */

export type SignInPredicate = (event: SignInSeed) => boolean;

export interface SignInFilter {
  matches: SignInPredicate;
  /** Time bounds (ms, inclusive) implied by top-level `and`ed createdDateTime clauses. */
  newest: number;
  oldest: number;
  /** Whether the filter names signInEventTypes (beta: then non-interactive events may be listed). */
  namesEventTypes: boolean;
}

type Kind = 'eq' | 'eqStartsWith';

/** Documented filterable string properties: lower-case name → path and operators. */
const STRING_PROPERTIES: Record<string, { path: string[]; kind: Kind }> = {};
const add = (kind: Kind, ...names: string[]) => {
  for (const name of names) STRING_PROPERTIES[name.toLowerCase()] = { path: name.split('/'), kind };
};
add(
  'eq',
  'userId',
  'appId',
  'id',
  'correlationId',
  'originalRequestId',
  'resourceId',
  'resourceDisplayName',
  'conditionalAccessStatus',
  'clientAppUsed',
  'riskDetail',
  'riskLevelAggregated',
  'riskLevelDuringSignIn',
  'riskState',
  'tokenIssuerName',
  'conditionalAccessAudiences',
);
add(
  'eqStartsWith',
  'userPrincipalName',
  'userDisplayName',
  'appDisplayName',
  'ipAddress',
  'userAgent',
  'authenticationRequirement',
  'servicePrincipalId',
  'servicePrincipalName',
  'location/city',
  'location/state',
  'location/countryOrRegion',
  'deviceDetail/browser',
  'deviceDetail/operatingSystem',
  'riskEventTypes_v2',
);
const BETA_ONLY = new Set([
  'authenticationrequirement',
  'conditionalaccessaudiences',
  'originalrequestid',
  'tokenissuername',
]);

/** A string property's value passes `test`; for a collection, any item (inferred). */
function textMatches(actual: unknown, test: (text: string) => boolean): boolean {
  if (Array.isArray(actual)) return actual.some((item) => textMatches(item, test));
  return typeof actual === 'string' && test(actual.toLowerCase());
}

interface Parsed {
  predicate: SignInPredicate;
  /** For a createdDateTime comparison: its bounds, so top-level `and` can narrow the scan. */
  bounds?: { newest: number; oldest: number };
}

class Parser {
  namesEventTypes = false;

  constructor(
    private readonly cursor: FilterCursor,
    private readonly version: GraphVersion,
  ) {}

  parseAll(): SignInFilter {
    const root = this.parseOr();
    if (!this.cursor.done) throw new FilterError('trailing text');
    return {
      matches: root.predicate,
      newest: root.bounds?.newest ?? Number.POSITIVE_INFINITY,
      oldest: root.bounds?.oldest ?? Number.NEGATIVE_INFINITY,
      namesEventTypes: this.namesEventTypes,
    };
  }

  private parseOr(): Parsed {
    const items = [this.parseAnd()];
    while (this.cursor.peekWord() === 'or') {
      this.cursor.take();
      items.push(this.parseAnd());
    }
    if (items.length === 1) return items[0] as Parsed;
    const predicates = items.map((item) => item.predicate);
    return { predicate: (event) => predicates.some((predicate) => predicate(event)) };
  }

  private parseAnd(): Parsed {
    const items = [this.parsePrimary()];
    while (this.cursor.peekWord() === 'and') {
      this.cursor.take();
      items.push(this.parsePrimary());
    }
    if (items.length === 1) return items[0] as Parsed;
    const predicates = items.map((item) => item.predicate);
    let newest = Number.POSITIVE_INFINITY;
    let oldest = Number.NEGATIVE_INFINITY;
    for (const item of items) {
      if (item.bounds === undefined) continue;
      newest = Math.min(newest, item.bounds.newest);
      oldest = Math.max(oldest, item.bounds.oldest);
    }
    return {
      predicate: (event) => predicates.every((predicate) => predicate(event)),
      bounds: { newest, oldest },
    };
  }

  private parsePrimary(): Parsed {
    const first = this.cursor.take();
    if (first.text === '(' && first.kind === 'punct') {
      const inner = this.parseOr();
      this.cursor.expect(')');
      return inner;
    }
    if (first.kind !== 'word') throw new FilterError('expected a property');
    const name = first.text.toLowerCase();
    if (name === 'startswith') return this.parseStartsWith();
    if (name === 'signineventtypes/any') return this.parseEventTypes();
    const operator = this.cursor.take().text.toLowerCase();
    const value = this.cursor.take();
    if (name === 'createddatetime') return this.parseTime(operator, value);
    if (name === 'status/errorcode') {
      if ((operator !== 'eq' && operator !== 'ne') || value.kind !== 'word' || !/^-?\d+$/.test(value.text)) {
        throw new FilterError('status/errorCode');
      }
      const code = Number(value.text);
      return operator === 'eq'
        ? { predicate: (event) => (event.status as { errorCode?: number } | undefined)?.errorCode === code }
        : { predicate: (event) => (event.status as { errorCode?: number } | undefined)?.errorCode !== code };
    }
    const property = this.stringProperty(name);
    if (operator !== 'eq' || value.kind !== 'string') throw new FilterError(name);
    const wanted = value.text.toLowerCase();
    return { predicate: (event) => textMatches(valueAt(event, property.path), (text) => text === wanted) };
  }

  private stringProperty(name: string) {
    const property = STRING_PROPERTIES[name];
    if (property === undefined || (this.version === 'v1.0' && BETA_ONLY.has(name)))
      throw new FilterError(name);
    return property;
  }

  private parseTime(operator: string, value: FilterToken): Parsed {
    if (value.kind !== 'word' || !DATE_TIME_LITERAL.test(value.text))
      throw new FilterError('createdDateTime value');
    const at = Date.parse(value.text);
    if (Number.isNaN(at)) throw new FilterError('createdDateTime value');
    const bounds: Record<string, { newest: number; oldest: number }> = {
      eq: { newest: at, oldest: at },
      ge: { newest: Number.POSITIVE_INFINITY, oldest: at },
      gt: { newest: Number.POSITIVE_INFINITY, oldest: at + 1 },
      le: { newest: at, oldest: Number.NEGATIVE_INFINITY },
      lt: { newest: at - 1, oldest: Number.NEGATIVE_INFINITY },
    };
    const range = bounds[operator];
    if (range === undefined) throw new FilterError(`createdDateTime ${operator}`);
    // Times compare in whole milliseconds (Date.parse), which is all the store keeps.
    return {
      predicate: (event) => {
        const time = Date.parse(event.createdDateTime);
        return time >= range.oldest && time <= range.newest;
      },
      bounds: range,
    };
  }

  private parseStartsWith(): Parsed {
    this.cursor.expect('(');
    const property = this.cursor.take();
    this.cursor.expect(',');
    const value = this.cursor.take();
    this.cursor.expect(')');
    const name = property.text.toLowerCase();
    const known = this.stringProperty(name);
    if (known.kind !== 'eqStartsWith' || value.kind !== 'string') throw new FilterError(name);
    const prefix = value.text.toLowerCase();
    return {
      predicate: (event) => textMatches(valueAt(event, known.path), (text) => text.startsWith(prefix)),
    };
  }

  /**
   * Beta only: `signInEventTypes/any(t: t eq 'nonInteractiveUser')`, `ne` too ([doc] beta signIn
   * resource; beta signin-list example 3, `any(t: t ne 'interactiveUser')`), and tests joined with
   * `or` (inferred: public collectors such as Microsoft-Extractor-Suite send
   * `any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')`). `t:t` may be written unspaced.
   */
  private parseEventTypes(): Parsed {
    if (this.version !== 'beta') throw new FilterError('signInEventTypes');
    this.cursor.expect('(');
    const [name, rest] = this.cursor.take().text.split(':', 2);
    if (name === undefined || name === '' || rest === undefined) throw new FilterError('lambda');
    const tests: ((type: string) => boolean)[] = [];
    let variable = rest === '' ? this.cursor.take().text : rest;
    for (;;) {
      const operator = this.cursor.take().text.toLowerCase();
      const value = this.cursor.take();
      if (variable !== name || (operator !== 'eq' && operator !== 'ne') || value.kind !== 'string') {
        throw new FilterError('lambda');
      }
      const wanted = value.text.toLowerCase();
      tests.push(operator === 'eq' ? (type) => type === wanted : (type) => type !== wanted);
      if (this.cursor.peekWord() !== 'or') break;
      this.cursor.take();
      variable = this.cursor.take().text;
    }
    this.cursor.expect(')');
    this.namesEventTypes = true;
    return {
      predicate: (event) => {
        const types = event.signInEventTypes;
        return (
          Array.isArray(types) && types.some((type) => tests.some((test) => test(String(type).toLowerCase())))
        );
      },
    };
  }
}

/** Parses a signIns `$filter`; `ok: false` is Graph's "Invalid filter clause". */
export function parseSignInFilter(
  text: string | null,
  version: GraphVersion,
): { ok: true; filter: SignInFilter } | { ok: false } {
  if (text === null) {
    return {
      ok: true,
      filter: {
        matches: () => true,
        newest: Number.POSITIVE_INFINITY,
        oldest: Number.NEGATIVE_INFINITY,
        namesEventTypes: false,
      },
    };
  }
  try {
    return { ok: true, filter: new Parser(filterCursor(text), version).parseAll() };
  } catch (error) {
    if (error instanceof FilterError) return { ok: false };
    throw error;
  }
}
