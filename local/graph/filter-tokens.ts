/** A `$filter` token: a word (property, operator, literal), a quoted string, or `(`, `)`, `,`. */
export type FilterToken = { kind: 'word' | 'string' | 'punct'; text: string };

/** Splits a `$filter` into tokens (`''` inside quotes is one quote); a string is the reason it can't. */
export function tokenizeFilter(text: string): FilterToken[] | string {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) return 'unterminated string literal';
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      tokens.push({ kind: 'string', text: value });
    } else if ('(),'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      i += 1;
    } else {
      // Dates (`:`, `+`), UPNs (`@`), paths (`/`) and GUIDs stay one word.
      const word = /^[A-Za-z0-9_./@:+-]+/.exec(text.slice(i))?.[0];
      if (word === undefined) return `unexpected '${char}'`;
      tokens.push({ kind: 'word', text: word });
      i += word.length;
    }
  }
  return tokens;
}
