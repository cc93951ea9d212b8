import { existsSync, globSync } from 'node:fs';
import path from 'node:path';

import { HostSystemError } from './errors';
import { isRecord, parseJsonFile } from './settings';

const DEFAULT_ROUTE_PREFIX = 'api';

/** `main` from package.json: a glob in the v4 model (e.g. `dist/src/functions/*.js`). */
export function readPackageMain(appDir: string): string {
  const file = path.join(appDir, 'package.json');
  if (!existsSync(file)) throw new HostSystemError(`No package.json in ${appDir}.`);
  const json = parseJsonFile(file);
  const main = isRecord(json) ? json.main : undefined;
  if (typeof main !== 'string' || main.trim() === '') {
    throw new HostSystemError(`${file} has no "main" entry point (e.g. "dist/src/functions/*.js").`);
  }
  return main;
}

/** `extensions.http.routePrefix` from host.json, without surrounding slashes; `api` by default. */
export function readRoutePrefix(appDir: string): string {
  const file = path.join(appDir, 'host.json');
  if (!existsSync(file)) return DEFAULT_ROUTE_PREFIX;
  const json = parseJsonFile(file);
  const extensions = isRecord(json) && isRecord(json.extensions) ? json.extensions : {};
  const http = isRecord(extensions.http) ? extensions.http : {};
  const prefix = http.routePrefix;
  if (prefix === undefined) return DEFAULT_ROUTE_PREFIX;
  if (typeof prefix !== 'string')
    throw new HostSystemError(`${file}: extensions.http.routePrefix must be a string.`);
  return prefix.replace(/^\/+|\/+$/g, '');
}

/**
 * Absolute paths of the files `main` matches, sorted so load order is stable. Braces work
 * (`dist/src/{index.js,functions/*.js}`); zero matches is an error, as in the worker.
 */
export function resolveEntryPoints(appDir: string, pattern: string): string[] {
  const matches = globSync(pattern, { cwd: appDir });
  if (matches.length === 0) {
    throw new HostSystemError(
      `Found zero files matching the entry point "${pattern}" in ${appDir}. Did the build run?`,
    );
  }
  return matches.map((match) => path.resolve(appDir, match)).sort();
}
