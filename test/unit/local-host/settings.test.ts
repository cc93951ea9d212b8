import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readPackageMain, readRoutePrefix, resolveEntryPoints } from '../../../local/host/app-files';
import {
  applySettings,
  MissingSettingError,
  readLocalSettings,
  resolveSettingPlaceholders,
} from '../../../local/host/settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'host-settings-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: unknown): void {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
}

describe('local.settings.json', () => {
  it('is optional', () => {
    expect(readLocalSettings(dir)).toBeUndefined();
  });

  it('reads Values as strings and Host.LocalHttpPort', () => {
    write('local.settings.json', {
      IsEncrypted: false,
      Values: { A: 'x', N: 5, B: true },
      Host: { LocalHttpPort: 7072 },
    });
    expect(readLocalSettings(dir)).toEqual({ values: { A: 'x', N: '5', B: 'true' }, localHttpPort: 7072 });
  });

  it('refuses encrypted files and nested values', () => {
    write('local.settings.json', { IsEncrypted: true, Values: {} });
    expect(() => readLocalSettings(dir)).toThrow('encrypted');
    write('local.settings.json', { Values: { A: { nested: 1 } } });
    expect(() => readLocalSettings(dir)).toThrow('Values.A');
  });

  it('never overrides a variable that is already set', () => {
    const env: NodeJS.ProcessEnv = { KEEP: 'from-env' };
    expect(applySettings({ KEEP: 'from-file', NEW: 'from-file' }, env)).toEqual(['NEW']);
    expect(env).toEqual({ KEEP: 'from-env', NEW: 'from-file' });
  });
});

describe('%SETTING% placeholders', () => {
  it('resolves every placeholder from the environment', () => {
    expect(resolveSettingPlaceholders('%SEC% */%MIN% * * * *', { SEC: '0', MIN: '5' }, 'schedule')).toBe(
      '0 */5 * * * *',
    );
    expect(resolveSettingPlaceholders('0 0 * * * *', {}, 'schedule')).toBe('0 0 * * * *');
  });

  it('names the missing setting', () => {
    expect(() => resolveSettingPlaceholders('%DETECT_SCHEDULE%', {}, 'schedule')).toThrow(
      MissingSettingError,
    );
    expect(() =>
      resolveSettingPlaceholders('%DETECT_SCHEDULE%', { DETECT_SCHEDULE: '' }, 'schedule'),
    ).toThrow(/DETECT_SCHEDULE/);
  });
});

describe('app files', () => {
  it('reads main from package.json and the route prefix from host.json', () => {
    write('package.json', { main: 'dist/src/functions/*.js' });
    write('host.json', { version: '2.0', extensions: { http: { routePrefix: '/v1/' } } });
    expect(readPackageMain(dir)).toBe('dist/src/functions/*.js');
    expect(readRoutePrefix(dir)).toBe('v1');
  });

  it('defaults the route prefix to api and allows an empty one', () => {
    expect(readRoutePrefix(dir)).toBe('api');
    write('host.json', { version: '2.0', extensions: { http: { routePrefix: '' } } });
    expect(readRoutePrefix(dir)).toBe('');
  });

  it('expands main as a glob with braces, in a stable order', () => {
    write('dist/src/index.js', '');
    write('dist/src/functions/b.js', '');
    write('dist/src/functions/a.js', '');
    write('dist/src/other.js', '');
    expect(resolveEntryPoints(dir, 'dist/src/{index.js,functions/*.js}')).toEqual([
      path.join(dir, 'dist/src/functions/a.js'),
      path.join(dir, 'dist/src/functions/b.js'),
      path.join(dir, 'dist/src/index.js'),
    ]);
  });

  it('fails when main matches nothing', () => {
    expect(() => resolveEntryPoints(dir, 'dist/src/functions/*.js')).toThrow('zero files');
  });
});
