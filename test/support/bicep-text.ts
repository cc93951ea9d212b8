import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads Bicep as text (no Bicep CLI here): enough to find modules, resources, params and app
 * settings in this project's files, which keep one declaration per line.
 */

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const readRepoFile = (relative: string): string =>
  readFileSync(path.join(REPO_ROOT, relative), 'utf8');

/** The text between the `{` at `open` and its matching `}` (strings and comments hold no braces here). */
export function bracedBody(text: string, open: number): string {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    if (text[index] === '{') depth += 1;
    else if (text[index] === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(open + 1, index);
    }
  }
  throw new Error(`unbalanced braces after offset ${open}`);
}

export interface ModuleCall {
  name: string;
  path: string;
  /** Param names the call passes. */
  params: string[];
  body: string;
}

export function moduleCalls(bicep: string): ModuleCall[] {
  return [...bicep.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=\s*\{/gm)].map((match) => {
    const body = bracedBody(bicep, (match.index ?? 0) + match[0].length - 1);
    const paramsAt = body.indexOf('params: {');
    const params =
      paramsAt < 0
        ? []
        : [...bracedBody(body, paramsAt + 'params: '.length).matchAll(/^\s*(\w+):/gm)].map((m) => m[1] ?? '');
    return { name: match[1] ?? '', path: match[2] ?? '', params, body };
  });
}

/** Declared params: name and whether it has a default (`param x string = ...`). */
export function declaredParams(bicep: string): { name: string; hasDefault: boolean }[] {
  return [...bicep.matchAll(/^param\s+(\w+)\s+[^=\n]+?(=.*)?$/gm)].map((match) => ({
    name: match[1] ?? '',
    hasDefault: match[2] !== undefined,
  }));
}

/** Bodies of the resources of a type (`Microsoft.Storage/storageAccounts`), `existing` ones left out. */
export function resourceBodies(bicep: string, type: string): string[] {
  const declaration = new RegExp(
    `^resource\\s+\\w+\\s+'${type.replace('/', '\\/')}@[^']+'\\s*=\\s*(?:if \\([^)]*\\)\\s*)?\\{`,
    'gm',
  );
  return [...bicep.matchAll(declaration)].map((match) =>
    bracedBody(bicep, (match.index ?? 0) + match[0].length - 1),
  );
}

/** The quoted strings of an array literal `name ... = [ ... ]` (a param or a var). */
export function stringArray(bicep: string, declaration: RegExp): string[] {
  const block = new RegExp(`${declaration.source}\\s*=\\s*\\[([^\\]]*)\\]`).exec(bicep)?.[1];
  if (block === undefined) throw new Error(`no array ${declaration.source}`);
  return [...block.matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '');
}

/** `{ name: 'X', value: <expression> }` lines of an appSettings list: name to Bicep expression. */
export function appSettings(bicep: string): Map<string, string> {
  const start = bicep.indexOf('appSettings: [');
  if (start < 0) throw new Error('no appSettings');
  const end = bicep.indexOf('\n      ]', start);
  const list = bicep.slice(start, end);
  return new Map(
    [...list.matchAll(/^\s*\{ name: '([^']+)', value: (.+) \}\s*$/gm)].map((match) => [
      match[1] ?? '',
      match[2] ?? '',
    ]),
  );
}
