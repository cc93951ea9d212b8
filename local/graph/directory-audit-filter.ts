import type { DirectoryAudit } from './directory-audit-store';
import {
  DATE_TIME_LITERAL,
  type FilterCursor,
  filterCursor,
  FilterError,
  valueAt,
} from './filter-expression';
import type { FilterToken } from './filter-tokens';

/**
 * `$filter` for GET /auditLogs/directoryAudits, per the v1.0 resource page
 * (https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit):
 * - `activityDateTime` with `eq`, `ge`, `le`, an unquoted DateTimeOffset literal (unquoted as for
 *   sign-ins, the same reporting service: inferred);
 * - `activityDisplayName` with `eq` and `startswith`; `correlationId`, `id`, `loggedByService`,
 *   `initiatedBy/user/id`, `initiatedBy/user/displayName`, `initiatedBy/app/appId`,
 *   `initiatedBy/app/displayName` with `eq`; `initiatedBy/user/userPrincipalName` with `eq` and
 *   `startswith`;
 * - clauses joined with `and` (`or` and parentheses are not modelled: refused, inferred).
 * String comparisons ignore case (inferred, as for sign-ins). Anything else is the reporting
 * service's 400 "Invalid filter clause" (as observed for signIns, [obs] microsoft-graph-docs#5676).
 */

export interface DirectoryAuditFilter {
  matches: (audit: DirectoryAudit) => boolean;
}

type Kind = 'eq' | 'eqStartsWith';
const PROPERTIES: Record<string, { path: string[]; kind: Kind }> = {};
for (const [name, kind] of [
  ['activityDisplayName', 'eqStartsWith'],
  ['correlationId', 'eq'],
  ['id', 'eq'],
  ['loggedByService', 'eq'],
  ['initiatedBy/user/id', 'eq'],
  ['initiatedBy/user/displayName', 'eq'],
  ['initiatedBy/user/userPrincipalName', 'eqStartsWith'],
  ['initiatedBy/app/appId', 'eq'],
  ['initiatedBy/app/displayName', 'eq'],
] as const) {
  PROPERTIES[name.toLowerCase()] = { path: name.split('/'), kind };
}

function timeClause(operator: string, value: FilterToken): (audit: DirectoryAudit) => boolean {
  if (value.kind !== 'word' || !DATE_TIME_LITERAL.test(value.text))
    throw new FilterError('activityDateTime value');
  const at = Date.parse(value.text);
  if (Number.isNaN(at)) throw new FilterError('activityDateTime value');
  const compare: Record<string, (time: number) => boolean> = {
    eq: (time) => time === at,
    ge: (time) => time >= at,
    le: (time) => time <= at,
  };
  const test = compare[operator];
  if (test === undefined) throw new FilterError(`activityDateTime ${operator}`);
  return (audit) => test(Date.parse(audit.activityDateTime));
}

/** The property's value as lower-case text; undefined when it isn't text. */
const textAt = (audit: DirectoryAudit, path: readonly string[]) => {
  const actual = valueAt(audit, path);
  return typeof actual === 'string' ? actual.toLowerCase() : undefined;
};

function clause(cursor: FilterCursor): (audit: DirectoryAudit) => boolean {
  const first = cursor.take();
  if (first.kind !== 'word') throw new FilterError('expected a property');
  const name = first.text.toLowerCase();
  if (name === 'startswith') {
    cursor.expect('(');
    const property = PROPERTIES[cursor.take().text.toLowerCase()];
    cursor.expect(',');
    const value = cursor.take();
    cursor.expect(')');
    if (property?.kind !== 'eqStartsWith' || value.kind !== 'string') throw new FilterError('startswith');
    const prefix = value.text.toLowerCase();
    return (audit) => textAt(audit, property.path)?.startsWith(prefix) === true;
  }
  const operator = cursor.take().text.toLowerCase();
  const value = cursor.take();
  if (name === 'activitydatetime') return timeClause(operator, value);
  const property = PROPERTIES[name];
  if (property === undefined || operator !== 'eq' || value.kind !== 'string') throw new FilterError(name);
  const wanted = value.text.toLowerCase();
  return (audit) => textAt(audit, property.path) === wanted;
}

/** Parses a directoryAudits `$filter`; `ok: false` is Graph's "Invalid filter clause". */
export function parseDirectoryAuditFilter(
  text: string | null,
): { ok: true; filter: DirectoryAuditFilter } | { ok: false } {
  if (text === null) return { ok: true, filter: { matches: () => true } };
  try {
    const cursor = filterCursor(text);
    const predicates = [clause(cursor)];
    while (!cursor.done) {
      if (cursor.take().text.toLowerCase() !== 'and') throw new FilterError('expected and');
      predicates.push(clause(cursor));
    }
    return { ok: true, filter: { matches: (audit) => predicates.every((predicate) => predicate(audit)) } };
  } catch (error) {
    if (error instanceof FilterError) return { ok: false };
    throw error;
  }
}
