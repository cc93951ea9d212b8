import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { readMainOptions } from '../../../local/host/options';

describe('main.ts options', () => {
  it('defaults to the given app directory and leaves everything else to the host', () => {
    expect(readMainOptions([], {}, '/repo')).toEqual({
      appDir: path.resolve('/repo'),
      main: undefined,
      port: undefined,
      hostname: undefined,
      functionKey: undefined,
      masterKey: undefined,
      timers: undefined,
      maxRequestBodyBytes: undefined,
      logLevel: 'information',
    });
  });

  it('reads the environment', () => {
    const options = readMainOptions(
      [],
      {
        FUNCTIONS_APP_DIR: '/app',
        FUNCTIONS_APP_MAIN: 'dist/*.js',
        FUNCTIONS_HTTP_PORT: '0',
        FUNCTIONS_HTTP_HOST: '0.0.0.0',
        FUNCTIONS_FUNCTION_KEY: 'fk',
        FUNCTIONS_MASTER_KEY: 'mk',
        FUNCTIONS_TIMERS: 'off',
        FUNCTIONS_LOG_LEVEL: 'debug',
        FUNCTIONS_MAX_REQUEST_BYTES: '2048',
      },
      '/repo',
    );
    expect(options).toEqual({
      appDir: path.resolve('/app'),
      main: 'dist/*.js',
      port: 0,
      hostname: '0.0.0.0',
      functionKey: 'fk',
      masterKey: 'mk',
      timers: false,
      maxRequestBodyBytes: 2048,
      logLevel: 'debug',
    });
  });

  it('lets flags win over the environment', () => {
    const options = readMainOptions(
      ['--app-dir', '/flag-app', '--port=8080', '--main', 'x/*.js', '--no-timers'],
      { FUNCTIONS_APP_DIR: '/env-app', FUNCTIONS_HTTP_PORT: '7000', FUNCTIONS_TIMERS: 'on' },
      '/repo',
    );
    expect(options).toMatchObject({
      appDir: path.resolve('/flag-app'),
      port: 8080,
      main: 'x/*.js',
      timers: false,
    });
  });

  it.each([
    [['--verbose'], {}, 'Unknown argument'],
    [['--port'], {}, '--port needs a value'],
    [[], { FUNCTIONS_HTTP_PORT: '70000' }, 'from 0 to 65535'],
    [[], { FUNCTIONS_HTTP_PORT: 'abc' }, 'must be an integer'],
    [[], { FUNCTIONS_TIMERS: 'maybe' }, 'on or off'],
    [[], { FUNCTIONS_LOG_LEVEL: 'loud' }, 'not a log level'],
  ])('rejects %j %j', (argv, env, message) => {
    expect(() => readMainOptions(argv, env, '/repo')).toThrow(message);
  });
});
