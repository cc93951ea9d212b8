// The host's admin API, the part useful locally: POST /admin/functions/{name} runs a non-HTTP
// function now (Azure: "Manually run a non HTTP-triggered function"; FunctionsController.Invoke
// answers 400 without a body, 404 for an unknown name, else 202 and runs it in the background),
// and GET /admin/host/status. Every /admin route needs the master key.

import type { IncomingMessage, ServerResponse } from 'node:http';

import { LOCAL_HOST_VERSION } from './core-module';
import type { RpcTypedData } from './core-types';
import type { HostedFunction } from './function-index';
import { BodyTooLargeError, readBody } from './http-request';
import { writeEmpty } from './http-response';
import type { Invoke } from './invoke';
import { FUNCTIONS_KEY_HEADER, type HostKeys, keyMatches, presentedKey } from './keys';
import { isRecord } from './settings';
import type { TimerScheduler } from './timers';

export const MANUAL_RUN_REASON = 'This function was programmatically called via the host APIs.';

export interface AdminDeps {
  readonly keys: HostKeys;
  readonly functions: readonly HostedFunction[];
  readonly timers: TimerScheduler;
  readonly invoke: Invoke;
  readonly maxRequestBodyBytes: number;
  readonly startedAt: number;
}

export interface AdminApi {
  /** `segments` are the decoded path segments after `admin`. */
  handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    segments: readonly string[],
  ): Promise<void>;
  /** Resolves when admin-started runs of non-timer functions have finished. */
  whenIdle(): Promise<void>;
}

export function createAdminApi(deps: AdminDeps): AdminApi {
  const running = new Set<Promise<unknown>>();
  const byName = new Map(deps.functions.map((fn) => [fn.name.toLowerCase(), fn]));

  async function invokeNow(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    const input = await readInvocationInput(request, deps.maxRequestBodyBytes);
    if (input === TOO_LARGE) {
      writeEmpty(response, 413, { connection: 'close' });
      return;
    }
    if (input === INVALID) {
      writeText(response, 400, 'Expected a JSON body such as {"input": "..."}.');
      return;
    }
    const fn = byName.get(name.toLowerCase());
    if (!fn) {
      writeEmpty(response, 404);
      return;
    }
    if (fn.kind === 'http') {
      writeText(response, 400, `"${fn.name}" is HTTP-triggered; call its route instead.`);
      return;
    }
    if (fn.kind === 'timer') {
      // A timer ignores the input and gets TimerInfo; the no-overlap rule applies here too.
      deps.timers.run(fn.name, MANUAL_RUN_REASON);
    } else {
      const run = deps.invoke(fn, { data: toTypedData(input), reason: MANUAL_RUN_REASON });
      running.add(run);
      void run.finally(() => running.delete(run));
    }
    writeEmpty(response, 202);
  }

  return {
    async handle(request, response, url, segments) {
      const key = presentedKey(request.headers[FUNCTIONS_KEY_HEADER], url.searchParams);
      if (!keyMatches(key, deps.keys.masterKey)) {
        writeEmpty(response, 401);
        return;
      }
      const [area, name, ...rest] = segments.map((segment) => segment.toLowerCase());
      if (area === 'functions' && name !== undefined && rest.length === 0 && request.method === 'POST') {
        await invokeNow(request, response, segments[1] ?? '');
      } else if (area === 'host' && name === 'status' && rest.length === 0 && request.method === 'GET') {
        const status = {
          state: 'Running',
          version: LOCAL_HOST_VERSION,
          processUptime: Date.now() - deps.startedAt,
        };
        writeJson(response, 200, status);
      } else {
        writeEmpty(response, 404);
      }
    },
    async whenIdle() {
      await Promise.allSettled([...running]);
    },
  };
}

const INVALID = Symbol('invalid');
const TOO_LARGE = Symbol('too large');
type InvocationInput = string | number | boolean | null | undefined;

async function readInvocationInput(
  request: IncomingMessage,
  limit: number,
): Promise<InvocationInput | typeof INVALID | typeof TOO_LARGE> {
  let body: Buffer;
  try {
    body = await readBody(request, limit);
  } catch (thrown) {
    if (thrown instanceof BodyTooLargeError) return TOO_LARGE;
    throw thrown;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return INVALID;
  }
  if (!isRecord(parsed)) return INVALID;
  const input = parsed.input;
  // The docs allow a string, number or boolean; anything else is passed on as JSON text.
  if (input === undefined || input === null) return input;
  if (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean') return input;
  return JSON.stringify(input);
}

function toTypedData(input: InvocationInput): RpcTypedData {
  return input === undefined || input === null ? {} : { string: String(input) };
}

function writeText(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(text);
}

function writeJson(response: ServerResponse, status: number, value: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(value));
}
