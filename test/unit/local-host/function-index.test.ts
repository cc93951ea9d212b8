import { describe, expect, it } from 'vitest';

import { AppRegistry } from '../../../local/host/app-registry';
import type { RpcBindingInfo } from '../../../local/host/core-types';
import { FunctionIndexError, indexFunctions } from '../../../local/host/function-index';

function registryWith(functions: Record<string, Record<string, RpcBindingInfo>>): AppRegistry {
  const registry = new AppRegistry();
  for (const [name, bindings] of Object.entries(functions))
    registry.registerFunction({ name, bindings }, () => undefined);
  return registry;
}

const http = (options: Record<string, unknown> = {}): RpcBindingInfo => ({
  type: 'httpTrigger',
  direction: 'in',
  ...options,
});
const timer = (schedule: string): RpcBindingInfo => ({ type: 'timerTrigger', direction: 'in', schedule });

describe('indexing registered functions', () => {
  it('reads route, methods and auth level from the HTTP trigger, with host defaults', () => {
    const [explicit, defaults] = indexFunctions(
      registryWith({
        explicit: { t: http({ route: 'users/{id}', methods: ['get', 'Post'], authLevel: 'Admin' }) },
        defaults: { t: http() },
      }),
      {},
    );
    expect(explicit).toMatchObject({
      kind: 'http',
      methods: ['GET', 'POST'],
      authLevel: 'admin',
      triggerBindingName: 't',
    });
    expect(explicit?.kind === 'http' && explicit.route.text).toBe('users/{id}');
    // No route means the function name; no methods means any; no authLevel means function.
    expect(defaults).toMatchObject({ kind: 'http', methods: undefined, authLevel: 'function' });
    expect(defaults?.kind === 'http' && defaults.route.text).toBe('defaults');
  });

  it('resolves timer schedules from settings and reads runOnStartup and useMonitor', () => {
    const [tick] = indexFunctions(
      registryWith({ tick: { t: { ...timer('%TICK%'), runOnStartup: true, useMonitor: false } } }),
      { TICK: '0 */5 * * * *' },
    );
    expect(tick).toMatchObject({ kind: 'timer', runOnStartup: true, useMonitor: false });
    expect(tick?.kind === 'timer' && tick.schedule.expression).toBe('0 */5 * * * *');
  });

  it('lists bindings the host does not carry out, but not the HTTP response', () => {
    const [fn] = indexFunctions(
      registryWith({
        withOutputs: {
          t: http(),
          $return: { type: 'http', direction: 'out' },
          queueOut: { type: 'queue', direction: 'out' },
        },
      }),
      {},
    );
    expect(fn?.unsupportedBindings).toEqual(['queueOut']);
  });

  it('refuses a route that begins with admin, as the Functions host does, whatever its case', () => {
    const registry = registryWith({
      adminRoute: { t: http({ route: 'admin/health' }) },
      prefixOnly: { t: http({ route: '/Administration/users' }) },
      adminByName: { t: http() },
      fine: { t: http({ route: 'users/admin' }) },
    });
    let caught: unknown;
    try {
      indexFunctions(registry, {});
    } catch (thrown) {
      caught = thrown;
    }
    expect(caught).toBeInstanceOf(FunctionIndexError);
    expect((caught as FunctionIndexError).problems).toEqual([
      'adminRoute: The specified route conflicts with one or more built in routes.',
      'prefixOnly: The specified route conflicts with one or more built in routes.',
      'adminByName: The specified route conflicts with one or more built in routes.',
    ]);
  });

  it('treats other triggers as admin-only functions', () => {
    const [fn] = indexFunctions(
      registryWith({ onMessage: { t: { type: 'queueTrigger', direction: 'in' } } }),
      {},
    );
    expect(fn?.kind).toBe('other');
  });

  it('reports every problem at once, each with its function name', () => {
    const registry = registryWith({
      noTrigger: { out: { type: 'http', direction: 'out' } },
      badRoute: { t: http({ route: 'a/{b' }) },
      badLevel: { t: http({ authLevel: 'user' }) },
      missingSetting: { t: timer('%NOPE%') },
      badSchedule: { t: timer('* * * * *') },
    });
    let caught: unknown;
    try {
      indexFunctions(registry, {});
    } catch (thrown) {
      caught = thrown;
    }
    expect(caught).toBeInstanceOf(FunctionIndexError);
    expect((caught as FunctionIndexError).problems).toEqual([
      'noTrigger: no trigger binding',
      expect.stringMatching(/^badRoute: .*missing its closing/),
      'badLevel: unknown authLevel "user"',
      expect.stringMatching(/^missingSetting: schedule: '%NOPE%' does not resolve/),
      expect.stringMatching(/^badSchedule: .*needs 6/),
    ]);
  });
});
