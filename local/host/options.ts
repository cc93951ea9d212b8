import { existsSync } from 'node:fs';
import path from 'node:path';

import { HostSystemError } from './errors';
import type { HostOptions } from './host';
import { isLogLevel } from './host-log';

/**
 * main.ts options: command-line flags win over environment variables.
 *
 * | flag            | variable                    | meaning                                   |
 * | --app-dir DIR   | FUNCTIONS_APP_DIR           | app directory (default: the repo root)    |
 * | --main GLOB     | FUNCTIONS_APP_MAIN          | overrides package.json `main`             |
 * | --port N        | FUNCTIONS_HTTP_PORT         | default 7071; 0 = a free port             |
 * |                 | FUNCTIONS_HTTP_HOST         | listen address, default 127.0.0.1         |
 * |                 | FUNCTIONS_FUNCTION_KEY      | generated and printed when unset          |
 * |                 | FUNCTIONS_MASTER_KEY        | generated and printed when unset          |
 * | --no-timers     | FUNCTIONS_TIMERS=off        | no schedules/runOnStartup (admin still runs them) |
 * |                 | FUNCTIONS_LOG_LEVEL         | trace, debug, information (default), warning, error |
 * |                 | FUNCTIONS_MAX_REQUEST_BYTES | request body limit, default 1 MiB         |
 */
export function readMainOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultAppDir: string,
): HostOptions {
  const flags = parseFlags(argv);
  const appDir = path.resolve(flags.get('app-dir') ?? env.FUNCTIONS_APP_DIR ?? defaultAppDir);
  const logLevel = env.FUNCTIONS_LOG_LEVEL || 'information';
  if (!isLogLevel(logLevel))
    throw new HostSystemError(`FUNCTIONS_LOG_LEVEL "${logLevel}" is not a log level.`);
  return {
    appDir,
    main: flags.get('main') ?? (env.FUNCTIONS_APP_MAIN || undefined),
    port: integer('port', flags.get('port') ?? env.FUNCTIONS_HTTP_PORT, 0, 65535),
    hostname: env.FUNCTIONS_HTTP_HOST || undefined,
    functionKey: env.FUNCTIONS_FUNCTION_KEY || undefined,
    masterKey: env.FUNCTIONS_MASTER_KEY || undefined,
    timers: flags.has('no-timers') ? false : toggle('FUNCTIONS_TIMERS', env.FUNCTIONS_TIMERS),
    maxRequestBodyBytes: integer(
      'FUNCTIONS_MAX_REQUEST_BYTES',
      env.FUNCTIONS_MAX_REQUEST_BYTES,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    logLevel,
  };
}

const VALUE_FLAGS = new Set(['app-dir', 'main', 'port']);
const SWITCH_FLAGS = new Set(['no-timers']);

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name = '', inline] = arg.replace(/^--/, '').split(/=(.*)/s);
    if (!arg.startsWith('--') || !(VALUE_FLAGS.has(name) || SWITCH_FLAGS.has(name))) {
      throw new HostSystemError(
        `Unknown argument "${arg}". Flags: --app-dir DIR, --main GLOB, --port N, --no-timers.`,
      );
    }
    if (SWITCH_FLAGS.has(name)) {
      flags.set(name, 'true');
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new HostSystemError(`--${name} needs a value.`);
    flags.set(name, value);
  }
  return flags;
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new HostSystemError(`${name} must be an integer from ${min} to ${max}, not "${value}".`);
  }
  return parsed;
}

function toggle(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(on|true|1|yes)$/i.test(value)) return true;
  if (/^(off|false|0|no)$/i.test(value)) return false;
  throw new HostSystemError(`${name} must be on or off, not "${value}".`);
}

/** The nearest directory above `from` with a package.json: the repo root for dist/local/host. */
export function findAppRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new HostSystemError(`No package.json above ${from}.`);
  }
}
