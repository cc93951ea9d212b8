// Reads what the host needs from each registration: the trigger binding (the one whose type ends
// in "Trigger", like the library's isTrigger) and its options. Bad routes, schedules and missing
// %SETTINGS% are collected and reported together, so one startup shows every problem.

import type { AppRegistry, RegisteredFunction } from './app-registry';
import type { RpcBindingInfo } from './core-types';
import { HostSystemError } from './errors';
import { type AuthLevel, isAuthLevel } from './keys';
import { NcrontabError, type NcrontabSchedule, parseNcrontab } from './ncrontab';
import { parseRouteTemplate, type RouteTemplate, RouteTemplateError } from './route-template';
import { MissingSettingError, resolveSettingPlaceholders } from './settings';

interface FunctionBase {
  readonly name: string;
  readonly registered: RegisteredFunction;
  readonly triggerBindingName: string;
  readonly triggerType: string;
  /** Bindings other than the trigger and `$return`, which the local host does not carry out. */
  readonly unsupportedBindings: readonly string[];
}

export interface HttpFunction extends FunctionBase {
  readonly kind: 'http';
  readonly route: RouteTemplate;
  /** Upper case; undefined when the binding accepts every method. */
  readonly methods: readonly string[] | undefined;
  readonly authLevel: AuthLevel;
}

export interface TimerFunction extends FunctionBase {
  readonly kind: 'timer';
  readonly schedule: NcrontabSchedule;
  readonly runOnStartup: boolean;
  readonly useMonitor: boolean;
}

/** Registered, but nothing triggers it locally except the admin endpoint. */
export interface OtherFunction extends FunctionBase {
  readonly kind: 'other';
}

export type HostedFunction = HttpFunction | TimerFunction | OtherFunction;

export class FunctionIndexError extends HostSystemError {
  constructor(readonly problems: readonly string[]) {
    super(`The app's functions cannot be hosted:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function indexFunctions(registry: AppRegistry, env: NodeJS.ProcessEnv): HostedFunction[] {
  const problems: string[] = [];
  const hosted: HostedFunction[] = [];
  for (const registered of registry.functions.values()) {
    try {
      hosted.push(describe(registered, env));
    } catch (thrown) {
      if (!(thrown instanceof IndexProblem)) throw thrown;
      problems.push(`${registered.metadata.name}: ${thrown.message}`);
    }
  }
  if (problems.length > 0) throw new FunctionIndexError(problems);
  return hosted;
}

class IndexProblem extends Error {}

function describe(registered: RegisteredFunction, env: NodeJS.ProcessEnv): HostedFunction {
  const { name, bindings } = registered.metadata;
  const triggers = Object.entries(bindings).filter(([, binding]) => /trigger$/i.test(binding.type ?? ''));
  const [trigger, ...extra] = triggers;
  if (!trigger) throw new IndexProblem('no trigger binding');
  if (extra.length > 0) throw new IndexProblem('more than one trigger binding');
  const [triggerBindingName, binding] = trigger;
  const triggerType = binding.type ?? '';
  const base: FunctionBase = {
    name,
    registered,
    triggerBindingName,
    triggerType,
    // The HTTP `$return` is the response; every other binding would need the host to run it.
    unsupportedBindings: Object.entries(bindings)
      .filter(([key, other]) => key !== triggerBindingName && !(key === '$return' && other.type === 'http'))
      .map(([key]) => key),
  };
  switch (triggerType.toLowerCase()) {
    case 'httptrigger':
      return { ...base, kind: 'http', ...describeHttp(name, binding) };
    case 'timertrigger':
      return { ...base, kind: 'timer', ...describeTimer(binding, env) };
    default:
      return { ...base, kind: 'other' };
  }
}

/**
 * The host keeps routes beginning with `admin` for its own API, whatever the routePrefix, and puts a
 * function that claims one in error at startup. It compares the route's text, not its first
 * segment (`administration/health` is refused too). Sources: the host's ScriptHostTests
 * (Azure/azure-functions-host, route "admin/foo/bar" → this message); `administration/...`
 * refused as observed in public project notes (inferred: a plain prefix test).
 */
const RESERVED_ROUTE_PREFIX = 'admin';
const RESERVED_ROUTE_MESSAGE = 'The specified route conflicts with one or more built in routes.';

function describeHttp(
  name: string,
  binding: RpcBindingInfo,
): Pick<HttpFunction, 'route' | 'methods' | 'authLevel'> {
  const route = binding.route ?? name;
  if (typeof route !== 'string') throw new IndexProblem('route must be a string');
  if (route.replace(/^\/+/, '').toLowerCase().startsWith(RESERVED_ROUTE_PREFIX)) {
    throw new IndexProblem(RESERVED_ROUTE_MESSAGE);
  }
  // The host's HttpTriggerAttribute defaults to function level; the library always sets it.
  const authLevel = typeof binding.authLevel === 'string' ? binding.authLevel.toLowerCase() : 'function';
  if (!isAuthLevel(authLevel)) throw new IndexProblem(`unknown authLevel "${String(binding.authLevel)}"`);
  try {
    return {
      route: parseRouteTemplate(route),
      methods: parseMethods(binding.methods),
      authLevel,
    };
  } catch (thrown) {
    if (thrown instanceof RouteTemplateError) throw new IndexProblem(thrown.message);
    throw thrown;
  }
}

/** Upper-case methods; none listed means every method, as in the host. */
function parseMethods(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((method): method is string => typeof method === 'string')) {
    throw new IndexProblem('methods must be an array of strings');
  }
  return value.length > 0 ? value.map((method) => method.toUpperCase()) : undefined;
}

function describeTimer(
  binding: RpcBindingInfo,
  env: NodeJS.ProcessEnv,
): Pick<TimerFunction, 'schedule' | 'runOnStartup' | 'useMonitor'> {
  if (typeof binding.schedule !== 'string') throw new IndexProblem('schedule must be a string');
  try {
    const expression = resolveSettingPlaceholders(binding.schedule, env, 'schedule');
    return {
      schedule: parseNcrontab(expression),
      runOnStartup: binding.runOnStartup === true,
      useMonitor: binding.useMonitor !== false,
    };
  } catch (thrown) {
    if (thrown instanceof MissingSettingError || thrown instanceof NcrontabError) {
      throw new IndexProblem(thrown.message);
    }
    throw thrown;
  }
}
