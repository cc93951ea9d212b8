import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { HostSystemError, toError } from './errors';

export interface LocalSettings {
  /** `Values`, as strings: they become environment variables (app settings in Azure). */
  values: Record<string, string>;
  /** `Host.LocalHttpPort`, which `func start` honours when no port is given. */
  localHttpPort: number | undefined;
}

/** Reads `local.settings.json` from the app directory, or returns undefined when there is none. */
export function readLocalSettings(appDir: string): LocalSettings | undefined {
  const file = path.join(appDir, 'local.settings.json');
  if (!existsSync(file)) return undefined;
  const parsed: unknown = parseJsonFile(file);
  if (!isRecord(parsed)) throw new HostSystemError(`${file} must contain a JSON object.`);
  if (parsed.IsEncrypted === true) {
    throw new HostSystemError(
      `${file} is encrypted (IsEncrypted: true); the local host reads plain values only.`,
    );
  }
  const values: Record<string, string> = {};
  const rawValues = parsed.Values ?? {};
  if (!isRecord(rawValues)) throw new HostSystemError(`${file}: "Values" must be an object.`);
  for (const [name, value] of Object.entries(rawValues)) {
    if (typeof value === 'string') values[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[name] = String(value);
    else throw new HostSystemError(`${file}: Values.${name} must be a string, number or boolean.`);
  }
  const host = isRecord(parsed.Host) ? parsed.Host : {};
  const port = host.LocalHttpPort;
  return { values, localHttpPort: typeof port === 'number' && Number.isInteger(port) ? port : undefined };
}

/** Copies settings into the environment; a variable that is already set wins (as with func). */
export function applySettings(values: Record<string, string>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return applied;
}

export class MissingSettingError extends HostSystemError {
  constructor(
    readonly settingName: string,
    where: string,
  ) {
    super(
      `${where}: '%${settingName}%' does not resolve to a value (set ${settingName} in the environment or local.settings.json).`,
    );
  }
}

/** Replaces each `%NAME%` with the app setting NAME, as binding expressions do in Azure. */
export function resolveSettingPlaceholders(value: string, env: NodeJS.ProcessEnv, where: string): string {
  return value.replace(/%([^%]+)%/g, (_match, name: string) => {
    const setting = env[name];
    if (setting === undefined || setting === '') throw new MissingSettingError(name, where);
    return setting;
  });
}

export function parseJsonFile(file: string): unknown {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (thrown) {
    throw new HostSystemError(`${file} is not valid JSON: ${toError(thrown).message}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
