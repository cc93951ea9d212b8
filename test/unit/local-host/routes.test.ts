import { describe, expect, it } from 'vitest';

import { RouteTable, splitPath } from '../../../local/host/route-table';
import {
  matchRouteTemplate,
  parseRouteTemplate,
  RouteTemplateError,
} from '../../../local/host/route-template';

function match(template: string, path: string): Record<string, string> | undefined {
  return matchRouteTemplate(parseRouteTemplate(template), splitPath(path));
}

describe('route templates', () => {
  it('matches literal segments case-insensitively and ignores a trailing slash', () => {
    expect(match('Users/Me', '/users/ME/')).toEqual({});
    expect(match('users/me', '/users/you')).toBeUndefined();
    expect(match('users', '/users/me')).toBeUndefined();
  });

  it('captures parameters URL-decoded, keeping %2F inside the segment as Kestrel does', () => {
    expect(match('users/{user}/tap', '/users/ann%40contoso.com/tap')).toEqual({ user: 'ann@contoso.com' });
    expect(match('files/{name}', '/files/a%2Fb')).toEqual({ name: 'a%2Fb' });
    expect(match('users/{user}', '/users/')).toBeUndefined();
  });

  it('leaves out absent optional parameters and fills defaults', () => {
    const template = 'cases/{caseId}/notes/{noteId?}/{userId?}';
    expect(match(template, '/cases/1/notes')).toEqual({ caseId: '1' });
    expect(match(template, '/cases/1/notes/2')).toEqual({ caseId: '1', noteId: '2' });
    expect(match(template, '/cases/1/notes/2/3')).toEqual({ caseId: '1', noteId: '2', userId: '3' });
    expect(match(template, '/cases/1/notes/2/3/4')).toBeUndefined();
    expect(match('page/{n:int=1}', '/page')).toEqual({ n: '1' });
  });

  it('does not skip a required segment after an optional one', () => {
    expect(match('a/{b?}/c', '/a/c')).toBeUndefined();
    expect(match('a/{b?}/c', '/a/x/c')).toEqual({ b: 'x' });
  });

  it('gives a catch-all the rest of the path, or nothing', () => {
    expect(match('files/{*path}', '/files/a/b%20c/d')).toEqual({ path: 'a/b c/d' });
    expect(match('files/{**path}', '/files')).toEqual({});
  });

  it.each([
    ['{id:guid}', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', true],
    ['{id:guid}', '3F2504E04F8911D39A0C0305E82C3301', true],
    ['{id:guid}', '{3f2504e0-4f89-11d3-9a0c-0305e82c3301}', true],
    ['{id:guid}', 'not-a-guid', false],
    ['{n:int}', '-42', true],
    ['{n:int}', '2147483648', false],
    ['{n:int}', '4.2', false],
    ['{n:long}', '2147483648', true],
    ['{s:alpha}', 'Abc', true],
    ['{s:alpha}', 'abc1', false],
    ['{b:bool}', 'TRUE', true],
    ['{b:bool}', 'yes', false],
    ['{d:decimal}', '-1.5', true],
    ['{d:double}', '1e3', true],
    ['{s:length(3)}', 'abc', true],
    ['{s:length(3)}', 'abcd', false],
    ['{s:length(2,4)}', 'abcd', true],
    ['{s:length(2,4)}', 'abcde', false],
    ['{s:minlength(2)}', 'a', false],
    ['{s:maxlength(2)}', 'ab', true],
    ['{n:min(10)}', '9', false],
    ['{n:max(10)}', '10', true],
    ['{n:range(1,5)}', '5', true],
    ['{n:range(1,5)}', '6', false],
    ['{n:range(1,5)}', 'x', false],
    ['{n:int:range(1,5)}', '3', true],
    ['{code:regex(^[a-z]{{2}}\\d+$)}', 'AB12', true],
    ['{code:regex(^[a-z]{{2}}\\d+$)}', 'ABC12', false],
    ['{code:regex(b:c)}', 'ab:cd', true],
  ])('constraint %s on "%s" is %s', (template, value, expected) => {
    expect(match(template, `/${encodeURIComponent(value)}`) !== undefined).toBe(expected);
  });

  it('applies constraints to optional parameters only when present', () => {
    expect(match('items/{n:int?}', '/items')).toEqual({});
    expect(match('items/{n:int?}', '/items/7')).toEqual({ n: '7' });
    expect(match('items/{n:int?}', '/items/x')).toBeUndefined();
  });

  it.each([
    ['a/{b', 'missing its closing'],
    ['a/b}', "unmatched '}'"],
    ['a/{x}.{y}', 'mixing text and parameters'],
    ['a/{id:nope}', 'Unknown route constraint'],
    ['a/{id:length(x)}', 'needs one integer'],
    ['a/{id}/{ID}', 'appears twice'],
    ['{*rest}/more', 'must be the last'],
    ['a/{*rest?}', 'cannot be optional'],
    ['a//b', 'empty segment'],
    ['a/{}', 'invalid or missing name'],
  ])('rejects "%s"', (template, message) => {
    expect(() => parseRouteTemplate(template)).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate(template)).toThrow(message);
  });
});

describe('route table', () => {
  function table(...entries: [name: string, template: string, methods?: string[]][]): RouteTable<string> {
    return new RouteTable(
      entries.map(([name, template, methods]) => ({
        name,
        template: parseRouteTemplate(template),
        methods: methods ? new Set(methods) : undefined,
        target: name,
      })),
    );
  }

  it('prefers a literal segment over a parameter whatever the registration order', () => {
    const routes = table(['byId', 'users/{id}'], ['me', 'users/me']);
    expect(routes.match('GET', splitPath('/users/me'))?.target).toBe('me');
    expect(routes.match('GET', splitPath('/users/42'))).toEqual({ target: 'byId', params: { id: '42' } });
  });

  it('prefers constrained parameters, then plain ones, then catch-alls', () => {
    const routes = table(['any', '{*rest}'], ['plain', 'x/{v}'], ['number', 'x/{v:int}']);
    expect(routes.match('GET', splitPath('/x/1'))?.target).toBe('number');
    expect(routes.match('GET', splitPath('/x/a'))?.target).toBe('plain');
    expect(routes.match('GET', splitPath('/y/z'))?.target).toBe('any');
  });

  it('filters by method, case-insensitively, and falls through to other routes', () => {
    const routes = table(['read', 'things', ['GET']], ['write', 'things', ['POST']], ['open', 'other']);
    expect(routes.match('post', splitPath('/things'))?.target).toBe('write');
    expect(routes.match('DELETE', splitPath('/things'))).toBeUndefined();
    expect(routes.match('PATCH', splitPath('/other'))?.target).toBe('open');
  });
});
