import { type FilterToken, tokenizeFilter } from './filter-tokens';

/** A `$filter` the service can't run; the message says where, for the simulator's tests. */
export class FilterError extends Error {}

export type Predicate<T> = (item: T) => boolean;

/** Reads one `$filter`'s tokens in order. */
export class FilterCursor {
  private at = 0;

  constructor(private readonly tokens: readonly FilterToken[]) {}

  /** The next token's text in lower case when it is a word, without taking it. */
  peekWord(): string | undefined {
    const token = this.tokens[this.at];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  }

  take(): FilterToken {
    const token = this.tokens[this.at];
    if (token === undefined) throw new FilterError('unexpected end');
    this.at += 1;
    return token;
  }

  expect(text: string): void {
    if (this.take().text !== text) throw new FilterError(`expected '${text}'`);
  }

  get done(): boolean {
    return this.at === this.tokens.length;
  }
}

/** The tokens of one `$filter`; FilterError when it doesn't tokenize. */
export function filterCursor(text: string): FilterCursor {
  const tokens = tokenizeFilter(text);
  if (typeof tokens === 'string') throw new FilterError(tokens);
  return new FilterCursor(tokens);
}

/** An unquoted DateTimeOffset literal, as the reports service takes it in `$filter`. */
export const DATE_TIME_LITERAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The value at a property path (`status/errorCode` split on `/`); undefined where a step is missing. */
export function valueAt(item: unknown, path: readonly string[]): unknown {
  let value: unknown = item;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * A `$filter` of clauses joined by `and` and `or` (`and` binds tighter, as in OData) and grouped
 * with parentheses; `clause` reads one clause. Throws FilterError for anything else.
 */
export function parseBooleanFilter<T>(
  text: string,
  clause: (cursor: FilterCursor) => Predicate<T>,
): Predicate<T> {
  const cursor = filterCursor(text);

  const primary = (): Predicate<T> => {
    if (cursor.peekWord() === undefined && !cursor.done) {
      const open = cursor.take();
      if (open.text !== '(' || open.kind !== 'punct') throw new FilterError('expected a clause');
      const inner = either();
      cursor.expect(')');
      return inner;
    }
    return clause(cursor);
  };
  const joined = (
    word: string,
    next: () => Predicate<T>,
    combine: (tests: Predicate<T>[]) => Predicate<T>,
  ) => {
    const tests = [next()];
    while (cursor.peekWord() === word) {
      cursor.take();
      tests.push(next());
    }
    return tests.length === 1 ? (tests[0] as Predicate<T>) : combine(tests);
  };
  const both = () => joined('and', primary, (tests) => (item) => tests.every((test) => test(item)));
  const either = (): Predicate<T> =>
    joined('or', both, (tests) => (item) => tests.some((test) => test(item)));

  const predicate = either();
  if (!cursor.done) throw new FilterError('trailing text');
  return predicate;
}
