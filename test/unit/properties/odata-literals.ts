/**
 * Splits an OData filter into its quoted string literals and the text around them, reading quotes as
 * OData does (`''` inside a literal is one quote). A filter whose quoting a value escaped either
 * fails to split (an unterminated literal) or shows a different skeleton or different literals.
 */
export function splitLiterals(filter: string): { skeleton: string; literals: string[] } {
  const literals: string[] = [];
  let skeleton = '';
  let index = 0;
  while (index < filter.length) {
    const char = filter[index] ?? '';
    if (char !== "'") {
      skeleton += char;
      index += 1;
      continue;
    }
    let literal = '';
    index += 1;
    for (;;) {
      if (index >= filter.length) throw new Error(`unterminated literal in ${filter}`);
      const inner = filter[index] ?? '';
      if (inner === "'" && filter[index + 1] === "'") {
        literal += "'";
        index += 2;
      } else if (inner === "'") {
        index += 1;
        break;
      } else {
        literal += inner;
        index += 1;
      }
    }
    literals.push(literal);
    skeleton += '?';
  }
  return { skeleton, literals };
}
