import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';

import { beforeAll, describe, expect, it } from 'vitest';

import { AppRegistry } from '../../../local/host/app-registry';
import { createCoreApi, installCoreModule } from '../../../local/host/core-module';
import type { RpcHttpData } from '../../../local/host/core-types';
import { type HostedFunction, indexFunctions } from '../../../local/host/function-index';
import { HostLogger } from '../../../local/host/host-log';
import { invokeFunction } from '../../../local/host/invoke';
import { timerInfoJson } from '../../../local/host/timer-info';

// The real library, loaded by Node (not vitest) so that it finds the installed core module.
const registry = new AppRegistry();
const lines: string[] = [];
const logger = new HostLogger(
  registry,
  { out: (line) => lines.push(line), err: (line) => lines.push(line) },
  'information',
);
installCoreModule(
  createCoreApi(registry, (level, category, message) => logger.worker(level, category, message)),
);
const { app, HttpRequest, InvocationContext } = createRequire(__filename)(
  '@azure/functions',
) as typeof import('@azure/functions');

const seen: { args: unknown[] }[] = [];
let functions: Map<string, HostedFunction>;

beforeAll(() => {
  app.http('echo', {
    methods: ['POST'],
    route: 'echo/{id}',
    handler: async (request, context) => {
      seen.push({ args: [request, context] });
      context.log('echo handled');
      return { status: 201, headers: { 'x-id': request.params.id ?? '' }, jsonBody: await request.json() };
    },
  });
  app.http('fails', {
    handler: () => {
      throw new Error('handler failed');
    },
  });
  app.http('rescued', {
    handler: () => {
      throw new Error('rescued by a hook');
    },
  });
  app.http('lateLogger', {
    handler: (_request, context) => {
      // Not awaited on purpose: logging after the handler returned must be flagged.
      void delay(20).then(() => context.log('too late'));
      return {};
    },
  });
  app.timer('tick', {
    schedule: '0 0 * * * *',
    handler: (timer, context) => void seen.push({ args: [timer, context] }),
  });
  app.hook.preInvocation((context) => {
    if (context.invocationContext.functionName === 'echo') context.hookData.marker = 'set before';
  });
  app.hook.postInvocation((context) => {
    if (context.invocationContext.functionName === 'rescued') {
      context.error = null;
      context.result = { body: 'recovered' };
    }
    if (context.invocationContext.functionName === 'echo') {
      // Logging from a post hook is legitimate: state is 'postInvocationHooks' here.
      context.invocationContext.log(`post hook saw ${String(context.hookData.marker)}`);
    }
  });
  registry.lockIndexing();
  functions = new Map(indexFunctions(registry, {}).map((fn) => [fn.name, fn]));
});

function fn(name: string): HostedFunction {
  const found = functions.get(name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
}

function httpData(overrides: Partial<RpcHttpData> = {}): RpcHttpData {
  return { method: 'POST', url: 'http://localhost:7071/api/echo/7', nullableHeaders: {}, ...overrides };
}

describe('invoking through the programming model', () => {
  it('passes the trigger input first and the context last, and returns the HTTP response shape', async () => {
    const outcome = await invokeFunction({ registry, logger }, fn('echo'), {
      data: {
        http: httpData({
          nullableParams: { id: { value: '7' } },
          nullableHeaders: { 'content-type': { value: 'application/json' } },
          body: { bytes: Buffer.from('{"a":1}') },
        }),
      },
      reason: 'test',
    });
    expect(outcome.status).toBe('succeeded');
    const [request, context] = seen.at(-1)?.args ?? [];
    expect(request).toBeInstanceOf(HttpRequest);
    expect(context).toBeInstanceOf(InvocationContext);
    expect(context).toMatchObject({ functionName: 'echo', invocationId: outcome.invocationId });
    if (outcome.status !== 'succeeded') return;
    const http = outcome.response.returnValue?.http;
    expect(http?.statusCode).toBe('201');
    expect(http?.headers).toMatchObject({ 'x-id': '7', 'content-type': 'application/json' });
    expect(Buffer.from(http?.body?.bytes ?? []).toString()).toBe('{"a":1}');
  });

  it('prints user logs with the function name and invocation id, and shares hookData', async () => {
    const outcome = await invokeFunction({ registry, logger }, fn('echo'), {
      data: { http: httpData({ body: { bytes: Buffer.from('{}') } }) },
      reason: 'test',
    });
    const mine = lines.filter((line) => line.includes(outcome.invocationId));
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Executing 'Functions\.echo' \(Reason='test', Id=/),
        expect.stringContaining(`Functions.echo[Id=${outcome.invocationId}] echo handled`),
        expect.stringContaining(`Functions.echo[Id=${outcome.invocationId}] post hook saw set before`),
        expect.stringMatching(/Executed 'Functions\.echo' \(Succeeded, Id=.*, Duration=\d+ms\)/),
      ]),
    );
    expect(lines.join('\n')).not.toContain('Unexpected call to');
  });

  it('reports a throwing handler as failed, with the error and no response', async () => {
    const outcome = await invokeFunction({ registry, logger }, fn('fails'), {
      data: { http: httpData() },
      reason: 'test',
    });
    expect(outcome).toMatchObject({ status: 'failed', error: { message: 'handler failed' } });
    expect(lines.at(-1)).toMatch(/Executed 'Functions\.fails' \(Failed, .*\)\n\s+Error: handler failed/);
  });

  it('lets a postInvocation hook clear the error and replace the result', async () => {
    const outcome = await invokeFunction({ registry, logger }, fn('rescued'), {
      data: { http: httpData() },
      reason: 'test',
    });
    expect(outcome.status).toBe('succeeded');
    if (outcome.status !== 'succeeded') return;
    expect(Buffer.from(outcome.response.returnValue?.http?.body?.bytes ?? []).toString()).toBe('recovered');
  });

  it('keeps state accurate: a log after the handler finished is flagged by the library', async () => {
    const outcome = await invokeFunction({ registry, logger }, fn('lateLogger'), {
      data: { http: httpData({ method: 'GET' }) },
      reason: 'test',
    });
    await delay(50);
    expect(lines.filter((line) => line.includes(outcome.invocationId)).join('\n')).toMatch(
      /warning: Warning: Unexpected call to 'log' on the context object after function execution has completed/,
    );
  });

  it('hands a timer the camel-cased TimerInfo', async () => {
    const status = {
      last: undefined,
      next: new Date('2025-01-01T01:00:00Z'),
      lastUpdated: new Date('2025-01-01T00:00:00Z'),
    };
    const outcome = await invokeFunction({ registry, logger }, fn('tick'), {
      data: { json: timerInfoJson(status, false) },
      reason: 'test',
    });
    expect(outcome.status).toBe('succeeded');
    expect(seen.at(-1)?.args[0]).toEqual({
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: '0001-01-01T00:00:00',
        next: '2025-01-01T01:00:00.000Z',
        lastUpdated: '2025-01-01T00:00:00.000Z',
      },
      isPastDue: false,
    });
  });
});
