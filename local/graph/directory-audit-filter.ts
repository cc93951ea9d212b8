import type { DirectoryAudit } from './directory-audit-store';
import { type FilterToken, tokenizeFilter } from './filter-tokens';

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

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$/;

class FilterError extends Error {}

function valueAt(audit: DirectoryAudit, path: readonly string[]): unknown {
  let value: unknown = audit;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function take(tokens: FilterToken[], at: number): FilterToken {
  const token = tokens[at];
  if (token === undefined) throw new FilterError('unexpected end');
  return token;
}

function timeClause(operator: string, value: FilterToken): (audit: DirectoryAudit) => boolean {
  if (value.kind !== 'word' || !DATE_TIME.test(value.text)) throw new FilterError('activityDateTime value');
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

/** One clause; returns the predicate and the index after it. */
function clause(tokens: FilterToken[], at: number): [(audit: DirectoryAudit) => boolean, number] {
  const first = take(tokens, at);
  if (first.kind !== 'word') throw new FilterError('expected a property');
  const name = first.text.toLowerCase();
  if (name === 'startswith') {
    if (
      take(tokens, at + 1).text !== '(' ||
      take(tokens, at + 3).text !== ',' ||
      take(tokens, at + 5).text !== ')'
    ) {
      throw new FilterError('startswith');
    }
    const property = PROPERTIES[take(tokens, at + 2).text.toLowerCase()];
    const value = take(tokens, at + 4);
    if (property?.kind !== 'eqStartsWith' || value.kind !== 'string') throw new FilterError('startswith');
    const prefix = value.text.toLowerCase();
    return [
      (audit) => {
        const actual = valueAt(audit, property.path);
        return typeof actual === 'string' && actual.toLowerCase().startsWith(prefix);
      },
      at + 6,
    ];
  }
  const operator = take(tokens, at + 1).text.toLowerCase();
  const value = take(tokens, at + 2);
  if (name === 'activitydatetime') return [timeClause(operator, value), at + 3];
  const property = PROPERTIES[name];
  if (property === undefined || operator !== 'eq' || value.kind !== 'string') throw new FilterError(name);
  const wanted = value.text.toLowerCase();
  return [
    (audit) => {
      const actual = valueAt(audit, property.path);
      return typeof actual === 'string' && actual.toLowerCase() === wanted;
    },
    at + 3,
  ];
}

/** Parses a directoryAudits `$filter`; `ok: false` is Graph's "Invalid filter clause". */
export function parseDirectoryAuditFilter(
  text: string | null,
): { ok: true; filter: DirectoryAuditFilter } | { ok: false } {
  if (text === null) return { ok: true, filter: { matches: () => true } };
  const tokens = tokenizeFilter(text);
  if (typeof tokens === 'string' || tokens.length === 0) return { ok: false };
  try {
    const predicates: ((audit: DirectoryAudit) => boolean)[] = [];
    let at = 0;
    for (;;) {
      const [predicate, next] = clause(tokens, at);
      predicates.push(predicate);
      if (next === tokens.length) break;
      if (take(tokens, next).text.toLowerCase() !== 'and') throw new FilterError('expected and');
      at = next + 1;
    }
    return { ok: true, filter: { matches: (audit) => predicates.every((predicate) => predicate(audit)) } };
  } catch (error) {
    if (error instanceof FilterError) return { ok: false };
    throw error;
  }
}
