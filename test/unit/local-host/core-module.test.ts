import { createRequire } from 'node:module';

import { describe, expect, it, vi } from 'vitest';

import { AppRegistry } from '../../../local/host/app-registry';
import { CORE_MODULE_ID, createCoreApi, installCoreModule } from '../../../local/host/core-module';
import type { FunctionMetadata } from '../../../local/host/core-types';
import { Disposable } from '../../../local/host/disposable';

const metadata = (name: string, functionId?: string): FunctionMetadata => ({
  name,
  functionId,
  bindings: { trigger: { type: 'httpTrigger', direction: 'in' } },
});
const handler = (): void => undefined;

describe('the registry behind @azure/functions-core', () => {
  it('keys functions by functionId, else name, and rejects duplicates', () => {
    const registry = new AppRegistry();
    registry.registerFunction(metadata('hello'), handler);
    registry.registerFunction(metadata('hello', 'hello-2'), handler);
    expect([...registry.functions.keys()]).toEqual(['hello', 'hello-2']);
    expect(() => registry.registerFunction(metadata('hello'), handler)).toThrow(
      'A function with id "hello" has already been registered.',
    );
  });

  it('records the entry point that was loading', () => {
    const registry = new AppRegistry();
    registry.currentEntryPoint = '/app/dist/src/functions/hello.js';
    registry.registerFunction(metadata('hello'), handler);
    expect(registry.functions.get('hello')?.entryPoint).toBe('/app/dist/src/functions/hello.js');
  });

  it('refuses registrations and disposals once indexing is locked', () => {
    const registry = new AppRegistry();
    const registration = registry.registerFunction(metadata('early'), handler);
    registry.lockIndexing();
    expect(() => registry.registerFunction(metadata('late'), handler)).toThrow(
      'only be registered during app startup',
    );
    expect(() => registration.dispose()).toThrow('only be disposed during app startup');
    expect(registry.functions.has('early')).toBe(true);
  });

  it('lets a registration be disposed during startup', () => {
    const registry = new AppRegistry();
    registry.registerFunction(metadata('gone'), handler).dispose();
    expect(registry.functions.size).toBe(0);
  });

  it('keeps hooks per name, in order, and disposes them', () => {
    const registry = new AppRegistry();
    const first = (): void => undefined;
    const second = (): void => undefined;
    const registration = registry.registerHook('preInvocation', first);
    registry.registerHook('preInvocation', second);
    registry.registerHook('log', first);
    expect(registry.hooksFor('preInvocation')).toEqual([first, second]);
    registration.dispose();
    expect(registry.hooksFor('preInvocation')).toEqual([second]);
    expect(registry.hooksFor('log')).toEqual([first]);
  });

  it('rejects an unknown hook name with a flagged RangeError, as the worker does', () => {
    const registry = new AppRegistry();
    let caught: unknown;
    try {
      registry.registerHook('beforeEverything', handler);
    } catch (thrown) {
      caught = thrown;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect(caught).toMatchObject({
      message: 'Unrecognized hook "beforeEverything"',
      isAzureFunctionsSystemError: true,
    });
  });
});

describe('Disposable', () => {
  it('disposes once, and from() disposes all', () => {
    const calls: string[] = [];
    const a = new Disposable(() => calls.push('a'));
    const all = Disposable.from(a, { dispose: () => calls.push('b') });
    all.dispose();
    all.dispose();
    a.dispose();
    expect(calls).toEqual(['a', 'b']);
  });
});

describe('the core API object', () => {
  it('stores the last programming model set and forwards logs', () => {
    const registry = new AppRegistry();
    const log = vi.fn();
    const core = createCoreApi(registry, log);
    const model = { name: 'm', version: '1', getInvocationModel: vi.fn() };
    core.setProgrammingModel({ ...model, name: 'first' });
    core.setProgrammingModel(model);
    core.log('warning', 'system', 'hi');
    expect(core.getProgrammingModel()).toBe(model);
    expect(log).toHaveBeenCalledWith('warning', 'system', 'hi');
    expect(core.Disposable).toBe(Disposable);
    expect(typeof core.hostVersion).toBe('string');
  });
});

describe('installing the core module', () => {
  // Process-global: vitest runs each test file in its own process, so this file owns the install.
  const registry = new AppRegistry();
  const core = createCoreApi(registry, vi.fn());
  const requireNatively = createRequire(__filename);

  it('answers require("@azure/functions-core") from any module, and only that id', () => {
    installCoreModule(core);
    expect(requireNatively(CORE_MODULE_ID)).toBe(core);
    expect(requireNatively('node:path')).toBe(requireNatively('path'));
  });

  it('refuses a second app in the same process', () => {
    expect(() => installCoreModule(createCoreApi(new AppRegistry(), vi.fn()))).toThrow('one app per process');
  });

  it('receives the real library registrations, without test mode', () => {
    const warn = vi.spyOn(console, 'warn');
    const { app } = requireNatively('@azure/functions') as typeof import('@azure/functions');
    app.http('tap', {
      methods: ['POST'],
      route: 'users/{user}/tap',
      authLevel: 'function',
      handler: () => ({ status: 201 }),
    });
    app.timer('tick', { schedule: '%TICK%', runOnStartup: false, handler: () => undefined });
    app.hook.log(() => undefined);

    const tap = registry.functions.get('tap')?.metadata.bindings ?? {};
    const [triggerName, trigger] =
      Object.entries(tap).find(([, binding]) => binding.type === 'httpTrigger') ?? [];
    expect(triggerName).toMatch(/^httpTrigger[0-9a-f]+$/);
    expect(trigger).toMatchObject({
      methods: ['POST'],
      route: 'users/{user}/tap',
      authLevel: 'function',
      direction: 'in',
    });
    expect(tap.$return).toMatchObject({ type: 'http', direction: 'out' });
    expect(Object.values(registry.functions.get('tick')?.metadata.bindings ?? {})).toEqual([
      expect.objectContaining({ type: 'timerTrigger', schedule: '%TICK%', runOnStartup: false }),
    ]);
    expect(registry.hooksFor('log')).toHaveLength(1);
    expect(registry.programmingModel?.name).toBe('@azure/functions');
    expect(warn.mock.calls.flat().join('\n')).not.toMatch(/test mode/);
  });

  it('makes late app.* calls fail once indexing is locked', () => {
    registry.lockIndexing();
    const { app } = requireNatively('@azure/functions') as typeof import('@azure/functions');
    expect(() => app.http('late', { handler: () => ({}) })).toThrow('only be registered during app startup');
  });
});
