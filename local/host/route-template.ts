// Route templates as the Functions host reads them (ASP.NET Core routing syntax), limited to
// whole-segment parts: literals, `{name}`, `{name?}`, `{name=default}`, `{name:c1:c2(args)}`,
// and a final catch-all `{*rest}` / `{**rest}`. Complex segments such as `{a}.{b}` are rejected.

import { parseConstraint, type RouteConstraint, RouteConstraintError } from './route-constraints';

export interface LiteralSegment {
  readonly kind: 'literal';
  readonly text: string;
}

export interface ParameterSegment {
  readonly kind: 'parameter';
  readonly name: string;
  readonly optional: boolean;
  readonly catchAll: boolean;
  readonly defaultValue: string | undefined;
  readonly constraints: readonly RouteConstraint[];
}

export type RouteSegment = LiteralSegment | ParameterSegment;

export interface RouteTemplate {
  readonly text: string;
  readonly segments: readonly RouteSegment[];
}

export class RouteTemplateError extends Error {}

type Part = { kind: 'literal'; text: string } | { kind: 'parameter'; body: string };

export function parseRouteTemplate(text: string): RouteTemplate {
  const trimmed = text.replace(/^~?\//, '').replace(/\/$/, '');
  const segments = trimmed === '' ? [] : splitSegments(trimmed).map((parts) => toSegment(parts, text));
  validate(segments, text);
  return { text, segments };
}

/** Splits on `/` outside parameters; `{{` and `}}` are escaped braces. */
function splitSegments(text: string): Part[][] {
  const segments: Part[][] = [];
  let parts: Part[] = [];
  let literal = '';
  let parameter: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    const doubled = text.charAt(i + 1) === char && (char === '{' || char === '}');
    if (doubled) {
      if (parameter === undefined) literal += char;
      else parameter += char;
      i++;
    } else if (parameter !== undefined) {
      if (char === '{')
        throw new RouteTemplateError(`"${text}": '{' inside a parameter must be written '{{'.`);
      if (char === '}') {
        parts.push({ kind: 'parameter', body: parameter });
        parameter = undefined;
      } else {
        parameter += char;
      }
    } else if (char === '{') {
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parameter = '';
    } else if (char === '}') {
      throw new RouteTemplateError(`"${text}": unmatched '}' (write '}}' for a literal brace).`);
    } else if (char === '/') {
      if (literal) parts.push({ kind: 'literal', text: literal });
      segments.push(parts);
      parts = [];
      literal = '';
    } else {
      literal += char;
    }
  }
  if (parameter !== undefined)
    throw new RouteTemplateError(`"${text}": a parameter is missing its closing '}'.`);
  if (literal) parts.push({ kind: 'literal', text: literal });
  segments.push(parts);
  return segments;
}

function toSegment(parts: Part[], template: string): RouteSegment {
  const [first, ...others] = parts;
  if (!first) throw new RouteTemplateError(`"${template}": empty segment ('//').`);
  if (others.length > 0) {
    throw new RouteTemplateError(
      `"${template}": a segment mixing text and parameters is not supported locally.`,
    );
  }
  if (first.kind === 'literal') {
    if (first.text.includes('?'))
      throw new RouteTemplateError(`"${template}": '?' is only allowed in a parameter.`);
    return { kind: 'literal', text: first.text };
  }
  return parseParameter(first.body, template);
}

function parseParameter(body: string, template: string): ParameterSegment {
  const fail = (reason: string): never => {
    throw new RouteTemplateError(`"${template}": parameter {${body}}: ${reason}`);
  };
  const catchAll = body.startsWith('*');
  let rest = body.replace(/^\*\*?/, '');
  const name = /^[^:=?]*/.exec(rest)?.[0] ?? '';
  if (!/^[^{}/*\s]+$/.test(name)) fail('invalid or missing name');
  rest = rest.slice(name.length);

  const constraints: RouteConstraint[] = [];
  while (rest.startsWith(':')) {
    const end = constraintEnd(rest);
    try {
      constraints.push(parseConstraint(rest.slice(1, end)));
    } catch (thrown) {
      if (thrown instanceof RouteConstraintError) fail(thrown.message);
      throw thrown;
    }
    rest = rest.slice(end);
  }

  let optional = false;
  let defaultValue: string | undefined;
  if (rest.startsWith('=')) defaultValue = rest.slice(1);
  else if (rest === '?') optional = true;
  else if (rest !== '') fail(`unexpected "${rest}"`);
  if (catchAll && optional) fail('a catch-all parameter cannot be optional');
  return { kind: 'parameter', name, optional, catchAll, defaultValue, constraints };
}

/**
 * Where the constraint starting at `text[0] === ':'` ends. Arguments in parentheses may contain
 * ':' or ')' (regexes), so they end at the first ')' followed by the end, ':', '=' or a final '?'.
 */
function constraintEnd(text: string): number {
  const open = text.indexOf('(');
  const nextColon = text.indexOf(':', 1);
  const simpleEnd = /[:=?]/.exec(text.slice(1));
  const simpleIndex = simpleEnd ? simpleEnd.index + 1 : text.length;
  if (open === -1 || open > simpleIndex || (nextColon !== -1 && open > nextColon)) return simpleIndex;
  for (let i = open + 1; i < text.length; i++) {
    if (text.charAt(i) !== ')') continue;
    const after = text.slice(i + 1);
    if (after === '' || after === '?' || after.startsWith(':') || after.startsWith('=')) return i + 1;
  }
  return text.length;
}

function validate(segments: readonly RouteSegment[], template: string): void {
  const names = new Set<string>();
  segments.forEach((segment, index) => {
    if (segment.kind !== 'parameter') return;
    const key = segment.name.toLowerCase();
    if (names.has(key))
      throw new RouteTemplateError(`"${template}": parameter "${segment.name}" appears twice.`);
    names.add(key);
    if (segment.catchAll && index !== segments.length - 1) {
      throw new RouteTemplateError(`"${template}": a catch-all parameter must be the last segment.`);
    }
  });
}

/** Whether the segment may be left out of a URL (optional, defaulted or catch-all). */
function canBeOmitted(segment: RouteSegment): boolean {
  return (
    segment.kind === 'parameter' &&
    (segment.optional || segment.catchAll || segment.defaultValue !== undefined)
  );
}

/**
 * Matches already-decoded path segments (after the route prefix) against a template and returns
 * the route values, or undefined. Literals compare case-insensitively; absent optional values
 * are left out of the result.
 */
export function matchRouteTemplate(
  template: RouteTemplate,
  pathSegments: readonly string[],
): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  const { segments } = template;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (!segment) return undefined;
    const value = pathSegments[i];
    if (segment.kind === 'literal') {
      if (value === undefined || value.toLowerCase() !== segment.text.toLowerCase()) return undefined;
      continue;
    }
    if (segment.catchAll) {
      const remainder = pathSegments.slice(i).join('/');
      const caught = remainder === '' ? segment.defaultValue : remainder;
      if (caught !== undefined && !accepts(segment, caught)) return undefined;
      if (caught !== undefined) values[segment.name] = caught;
      return values;
    }
    if (value === undefined) {
      if (!segments.slice(i).every(canBeOmitted)) return undefined;
      if (segment.defaultValue !== undefined) {
        if (!accepts(segment, segment.defaultValue)) return undefined;
        values[segment.name] = segment.defaultValue;
      }
      continue;
    }
    if (value === '' || !accepts(segment, value)) return undefined;
    values[segment.name] = value;
  }
  return pathSegments.length <= segments.length ? values : undefined;
}

function accepts(segment: ParameterSegment, value: string): boolean {
  return segment.constraints.every((constraint) => constraint.test(value));
}

/**
 * ASP.NET's inbound precedence (RoutePrecedence.ComputeInbound): one digit per segment, lower
 * wins: literal 1, constrained parameter 2, parameter 3, constrained catch-all 4, catch-all 5.
 */
export function inboundPrecedence(template: RouteTemplate): number[] {
  return template.segments.map((segment) => {
    if (segment.kind === 'literal') return 1;
    const digit = segment.catchAll ? 5 : 3;
    return segment.constraints.length > 0 ? digit - 1 : digit;
  });
}
