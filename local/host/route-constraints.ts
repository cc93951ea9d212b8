// Inline route constraints with ASP.NET Core's meaning (Microsoft.AspNetCore.Routing.Constraints),
// since the Functions host routes with ASP.NET: `{id:guid}`, `{n:int}`, `{s:length(3,8)}`…
// Values are tested after URL decoding, invariant culture, ignoring case where ASP.NET does.

export interface RouteConstraint {
  /** As written in the template, e.g. `length(3,8)`. */
  readonly text: string;
  test(value: string): boolean;
}

export class RouteConstraintError extends Error {}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const FLOATING = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const HEX = '[0-9a-f]';
// Guid.TryParse formats: N, D, B and P.
const GUID = new RegExp(
  `^(${HEX}{32}|${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}|\\{${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}\\}|\\(${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}\\))$`,
  'i',
);

const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

function integerIn(value: string, range: { min: bigint; max: bigint }): bigint | undefined {
  if (!INTEGER.test(value)) return undefined;
  const parsed = BigInt(value);
  return parsed >= range.min && parsed <= range.max ? parsed : undefined;
}

function integerArgs(name: string, args: string | undefined, count: 1 | 2): bigint[] {
  const parts = (args ?? '').split(',').map((part) => part.trim());
  if (parts.length !== count || parts.some((part) => integerIn(part, INT64) === undefined)) {
    throw new RouteConstraintError(
      `Constraint "${name}" needs ${count === 1 ? 'one integer' : 'two integers'}.`,
    );
  }
  return parts.map((part) => BigInt(part));
}

type ConstraintFactory = (args: string | undefined, name: string) => (value: string) => boolean;

/** A constraint without arguments, such as `int`. */
function plain(test: (value: string) => boolean): ConstraintFactory {
  return (args, name) => {
    if (args !== undefined) throw new RouteConstraintError(`Constraint "${name}" takes no arguments.`);
    return test;
  };
}

/** Length constraints count UTF-16 code units, like .NET's string.Length. */
function lengthBetween(min: bigint, max: bigint): (value: string) => boolean {
  return (value) => BigInt(value.length) >= min && BigInt(value.length) <= max;
}

function valueBetween(min: bigint, max: bigint): (value: string) => boolean {
  return (value) => {
    const parsed = integerIn(value, INT64);
    return parsed !== undefined && parsed >= min && parsed <= max;
  };
}

const FACTORIES: Record<string, ConstraintFactory> = {
  int: plain((value) => integerIn(value, INT32) !== undefined),
  long: plain((value) => integerIn(value, INT64) !== undefined),
  bool: plain((value) => /^(true|false)$/i.test(value)),
  guid: plain((value) => GUID.test(value)),
  alpha: plain((value) => /^[a-z]*$/i.test(value)),
  decimal: plain((value) => DECIMAL.test(value)),
  double: plain((value) => FLOATING.test(value)),
  float: plain((value) => FLOATING.test(value)),
  datetime: plain((value) => !Number.isNaN(Date.parse(value))),
  required: plain((value) => value.length > 0),
  length: (args, name) => {
    const [min = 0n, max = min] = integerArgs(name, args, args?.includes(',') ? 2 : 1);
    return lengthBetween(min, max);
  },
  minlength: (args, name) => lengthBetween(integerArgs(name, args, 1)[0] ?? 0n, INT64.max),
  maxlength: (args, name) => lengthBetween(0n, integerArgs(name, args, 1)[0] ?? 0n),
  min: (args, name) => valueBetween(integerArgs(name, args, 1)[0] ?? 0n, INT64.max),
  max: (args, name) => valueBetween(INT64.min, integerArgs(name, args, 1)[0] ?? 0n),
  range: (args, name) => {
    const [min = 0n, max = 0n] = integerArgs(name, args, 2);
    return valueBetween(min, max);
  },
  // RegexRouteConstraint: case-insensitive and not anchored; templates anchor with ^…$ themselves.
  regex: (args, name) => {
    if (args === undefined || args === '')
      throw new RouteConstraintError(`Constraint "${name}" needs a pattern.`);
    let pattern: RegExp;
    try {
      pattern = new RegExp(args, 'i');
    } catch (thrown) {
      throw new RouteConstraintError(`Invalid regex in constraint "${name}(${args})": ${String(thrown)}`);
    }
    return (value) => pattern.test(value);
  },
};

/** Parses one constraint such as `int`, `length(3,8)` or `regex(^a\d+$)`. */
export function parseConstraint(text: string): RouteConstraint {
  const match = /^([a-z]+)(?:\((.*)\))?$/is.exec(text);
  const name = match?.[1]?.toLowerCase();
  const factory = name === undefined ? undefined : FACTORIES[name];
  if (!match || name === undefined || !factory) {
    throw new RouteConstraintError(`Unknown route constraint "${text}".`);
  }
  const test = factory(match[2], name);
  return { text, test };
}
