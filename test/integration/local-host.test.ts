// The local functions host as a child process (dist/local/host/main.js), serving the fixture app
// in test/fixtures/host-app (compiled by `npm test`'s build step). Each host gets a temporary app
// directory: package.json whose `main` points at the compiled fixture, host.json, and a
// local.settings.json that supplies the %STARTUP_TICK_SCHEDULE% setting and FIXTURE_OUT_DIR,
// where the fixture records what ran.

import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compiledHostMainPath } from '../../local/host/entry-path';
import type { ReadyMessage, StartFailedMessage } from '../../local/host/main';

const ROOT = path.resolve(__dirname, '../..');
const HOST_MAIN = compiledHostMainPath();
const FIXTURE_MAIN = path.join(ROOT, 'dist/test/fixtures/host-app/src/functions/*.js');
const FUNCTION_KEY = 'test-function-key';
const MASTER_KEY = 'test-master-key';
const GUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

interface HostUnderTest {
  readonly child: ChildProcess;
  readonly ready: ReadyMessage;
  readonly api: string;
  readonly outDir: string;
  /** Date.now() when the ready message arrived. */
  readonly readyAt: number;
  output(): string;
  /** Waits until the output matches: stdout/stderr can trail IPC and HTTP answers. */
  waitForOutput(pattern: string | RegExp): Promise<void>;
  read(file: string): string[];
  exited: Promise<number | null>;
}

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

interface LaunchOptions {
  settings?: Record<string, string>;
  env?: Record<string, string>;
  main?: string;
}

/** Starts a host on a free port and resolves on its `ready` message, or rejects with its output. */
async function launch({
  settings = {},
  env = {},
  main = FIXTURE_MAIN,
}: LaunchOptions = {}): Promise<HostUnderTest> {
  if (!existsSync(HOST_MAIN) || !existsSync(path.dirname(FIXTURE_MAIN))) {
    throw new Error('Compiled host or fixture missing: run `npm run build` (npm test does).');
  }
  const appDir = mkdtempSync(path.join(tmpdir(), 'local-host-app-'));
  const outDir = path.join(appDir, 'out');
  mkdirSync(outDir);
  writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'fixture', main }));
  writeFileSync(
    path.join(appDir, 'host.json'),
    JSON.stringify({ version: '2.0', extensions: { http: { routePrefix: 'api' } } }),
  );
  writeFileSync(
    path.join(appDir, 'local.settings.json'),
    JSON.stringify({
      IsEncrypted: false,
      Values: { FIXTURE_OUT_DIR: outDir, STARTUP_TICK_SCHEDULE: '0 0 0 1 1 *', ...settings },
    }),
  );
  // The child must not inherit settings the test means to supply through local.settings.json.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(FUNCTIONS_|FIXTURE_|STARTUP_TICK)/.test(name)),
  );
  const child = fork(HOST_MAIN, [], {
    env: {
      ...inherited,
      FUNCTIONS_APP_DIR: appDir,
      FUNCTIONS_HTTP_PORT: '0',
      FUNCTIONS_FUNCTION_KEY: FUNCTION_KEY,
      FUNCTIONS_MASTER_KEY: MASTER_KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Exit code once the process is gone and its output fully read. (Not 'close': Node never emits
  // it after the parent calls disconnect().)
  const streamsClosed = Promise.all(
    [child.stdout, child.stderr].map((stream) => new Promise((resolve) => stream?.once('close', resolve))),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve)).then(async (code) => {
    await streamsClosed;
    return code;
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(appDir, { recursive: true, force: true });
  });

  const message = await new Promise<ReadyMessage | StartFailedMessage | undefined>((resolve) => {
    child.once('message', (received) => resolve(received as ReadyMessage | StartFailedMessage));
    void exited.then(() => resolve(undefined));
  });
  if (message?.type !== 'ready') {
    await exited;
    throw Object.assign(new Error(`Host did not start: ${message?.message ?? 'exited'}`), { output });
  }
  return {
    child,
    ready: message,
    api: `${message.url}/api`,
    outDir,
    readyAt: Date.now(),
    output: () => output,
    waitForOutput: async (pattern) => {
      const matches = (): boolean =>
        typeof pattern === 'string' ? output.includes(pattern) : pattern.test(output);
      await waitFor(`output matching ${String(pattern)}`, matches);
    },
    read: (file) =>
      existsSync(path.join(outDir, file))
        ? readFileSync(path.join(outDir, file), 'utf8').split('\n').filter(Boolean)
        : [],
    exited,
  };
}

/** Asymmetric matchers typed as what they are used for (expect.* returns any). */
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
const anyString = (): unknown => expect.any(String);

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(25);
  }
}

// Both long-running hosts start together, so their timer waits overlap.
let mainHost: Promise<HostUnderTest>;
let timersOffHost: Promise<HostUnderTest>;
beforeAll(() => {
  mainHost = launch({ env: { FUNCTIONS_MAX_REQUEST_BYTES: String(64 * 1024) } });
  timersOffHost = launch({ env: { FUNCTIONS_TIMERS: 'off' } });
  // Surfaced by the awaits below; avoid an unhandled rejection in the meantime.
  mainHost.catch(() => undefined);
  timersOffHost.catch(() => undefined);
});

describe('local functions host (child process)', () => {
  let host: HostUnderTest;
  beforeAll(async () => {
    host = await mainHost;
  });

  it('announces readiness over IPC and on stdout, with a func-like function list', async () => {
    const { port, url, functions } = host.ready;
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://localhost:${port}`);
    expect(functions).toContainEqual(
      expect.objectContaining({
        name: 'hello',
        trigger: 'httpTrigger',
        methods: ['GET'],
        url: `${url}/api/hello`,
      }),
    );
    expect(functions).toContainEqual({
      name: 'startupTick',
      trigger: 'timerTrigger',
      schedule: '0 0 0 1 1 *',
    });
    await host.waitForOutput(`Host ready: http://localhost:${port}\n`);
    expect(host.output()).toContain(`\titems: [GET,DELETE] ${url}/api/items/{n:int}/{name:alpha?}\n`);
    expect(host.output()).toContain('\tslowTick: timerTrigger\n');
    // Keys given through the environment are not printed.
    expect(host.output()).not.toContain(MASTER_KEY);
  });

  it('runs an anonymous GET and passes the query', async () => {
    const response = await fetch(`${host.api}/hello?name=Ann`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(await response.text()).toBe('Hello, Ann!');
  });

  it('logs with the function name and invocation id, and never falls into test mode', async () => {
    await fetch(`${host.api}/hello?name=Log`);
    await host.waitForOutput(/Functions\.hello\[Id=[0-9a-f-]{36}\] hello called for Log/);
    expect(host.output()).not.toMatch(/test mode/i);
  });

  it('prefers the literal route over the parameter and checks constraints', async () => {
    const headers = { 'x-functions-key': FUNCTION_KEY };
    expect(await (await fetch(`${host.api}/users/me`, { headers })).json()).toEqual({ function: 'getMe' });
    expect(await (await fetch(`${host.api}/USERS/${GUID}`, { headers })).json()).toEqual({
      function: 'getUser',
      id: GUID,
    });
    expect((await fetch(`${host.api}/users/not-a-guid`, { headers })).status).toBe(404);
  });

  it('fills optional parameters only when present and passes catch-alls decoded', async () => {
    expect(await (await fetch(`${host.api}/items/5`)).json()).toEqual({ method: 'GET', n: '5', name: null });
    expect(await (await fetch(`${host.api}/items/5/abc`, { method: 'DELETE' })).json()).toEqual({
      method: 'DELETE',
      n: '5',
      name: 'abc',
    });
    expect((await fetch(`${host.api}/items/five`)).status).toBe(404);
    expect((await fetch(`${host.api}/items/5/a1`)).status).toBe(404);
    expect(await (await fetch(`${host.api}/files/a/b%20c/d.txt`)).json()).toEqual({ path: 'a/b c/d.txt' });
  });

  it('answers 404 with an empty body for unknown routes, a missing prefix and methods the route does not allow', async () => {
    for (const [url, method] of [
      [`${host.api}/nope`, 'GET'],
      [`${host.ready.url}/hello`, 'GET'],
      [`${host.api}/items/5`, 'POST'],
    ] as const) {
      const response = await fetch(url, { method });
      expect([url, method, response.status, await response.text()]).toEqual([url, method, 404, '']);
    }
  });

  it('requires a key for function-level routes: header, code parameter or master key', async () => {
    const url = `${host.api}/users/${GUID}`;
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe('');
    expect((await fetch(url, { headers: { 'x-functions-key': 'wrong' } })).status).toBe(401);
    expect((await fetch(`${url}?code=${FUNCTION_KEY}`)).status).toBe(200);
    expect((await fetch(url, { headers: { 'x-functions-key': MASTER_KEY } })).status).toBe(200);
  });

  it('accepts only the master key for admin-level routes', async () => {
    expect(
      (await fetch(`${host.api}/master-key-only`, { headers: { 'x-functions-key': FUNCTION_KEY } })).status,
    ).toBe(401);
    const response = await fetch(`${host.api}/master-key-only`, {
      headers: { 'x-functions-key': MASTER_KEY },
    });
    expect([response.status, await response.text()]).toEqual([200, 'admin ok']);
  });

  it('round-trips a JSON body, headers, query, cookies and a custom status', async () => {
    const response = await fetch(`${host.api}/echo?q=1&q=2`, {
      method: 'POST',
      headers: { 'x-functions-key': FUNCTION_KEY, 'content-type': 'application/json', 'x-test': 'from-test' },
      body: JSON.stringify({ hello: 'world', n: [1, 2] }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['session=a%20b; path=/; samesite=strict; httponly']);
    expect(await response.json()).toEqual({
      received: { hello: 'world', n: [1, 2] },
      method: 'POST',
      url: `${host.api}/echo?q=1&q=2`,
      // Like the Functions host, repeated query values arrive joined with ",".
      q: ['1,2'],
      testHeader: 'from-test',
    });
  });

  it('passes binary bodies as bytes and answers 413 above the size limit', async () => {
    const bytes = Buffer.alloc(60 * 1024, 7);
    bytes[0] = 1;
    bytes[bytes.length - 1] = 255;
    const ok = await fetch(`${host.api}/upload`, { method: 'POST', body: bytes });
    expect(await ok.json()).toEqual({ length: bytes.length, first: 1, last: 255 });
    const tooLarge = await fetch(`${host.api}/upload`, { method: 'POST', body: Buffer.alloc(65 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toBe('application/problem+json');
    expect(await tooLarge.json()).toMatchObject({
      type: 'urn:mfa-recovery:problem:payload_too_large',
      status: 413,
      code: 'payload_too_large',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
  });

  it('answers 500 with no body when the handler throws, and logs the error', async () => {
    const response = await fetch(`${host.api}/boom`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    await host.waitForOutput('kaboom: internal detail');
    expect(host.output()).toMatch(/Executed 'Functions\.boom' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\)/);
  });

  it('answers 200 with an empty body when the handler returns nothing', async () => {
    const response = await fetch(`${host.api}/nothing`);
    expect([response.status, await response.text()]).toEqual([200, '']);
  });

  it('runs invocation and log hooks', async () => {
    expect(await (await fetch(`${host.api}/hooked`)).json()).toEqual({
      original: { body: 'original' },
      sharedHookData: true,
    });
    expect(await (await fetch(`${host.api}/swapped`)).text()).toBe('handler swapped by a hook');
    await host.waitForOutput('hooked ran with secret=***');
    expect(host.output()).not.toContain('secret=abc123');
    expect(host.read('lifecycle.log')).toEqual(['appStart']);
  });

  it('runs a runOnStartup timer once, with the TimerInfo the library camel-cases', async () => {
    const runs = host.read('startupTick.log').map((line) => JSON.parse(line) as unknown);
    expect(runs).toEqual([
      {
        schedule: { adjustForDST: true },
        scheduleStatus: {
          last: '0001-01-01T00:00:00',
          next: matching(/-01-01T00:00:00\.000Z$/),
          lastUpdated: anyString(),
        },
        isPastDue: false,
      },
    ]);
    await host.waitForOutput(/Functions\.startupTick\[Id=[0-9a-f-]{36}\] startupTick ran/);
  });

  it('never overlaps runs of one timer: ticks during a run are skipped and logged', async () => {
    await host.waitForOutput("Timer 'slowTick': skipped");
    const lines = host.read('slowTick.log');
    lines.forEach((line, index) => {
      const [kind, id] = line.split(' ');
      if (index % 2 === 0) expect(kind).toBe('start');
      else expect([kind, id]).toEqual(['end', lines[index - 1]?.split(' ')[1]]);
    });
  });

  it('runs a timer now through the admin endpoint with the master key only', async () => {
    const url = `${host.ready.url}/admin/functions/startupTick`;
    const post = (key: string | undefined, body = '{"input": ""}'): Promise<Response> =>
      fetch(url, {
        method: 'POST',
        headers: key ? { 'x-functions-key': key, 'content-type': 'application/json' } : {},
        body,
      });
    expect((await post(undefined)).status).toBe(401);
    expect((await post(FUNCTION_KEY)).status).toBe(401);
    const accepted = await post(MASTER_KEY);
    expect([accepted.status, await accepted.text()]).toEqual([202, '']);
    const [, second] = await waitFor(
      'the second startupTick run',
      () => host.read('startupTick.log').length === 2 && host.read('startupTick.log'),
    );
    // This run sees the previous one in its schedule status.
    expect(JSON.parse(second ?? '{}')).toMatchObject({ scheduleStatus: { last: matching(/^20\d\d-/) } });
  });

  it('answers the admin endpoint with 404, 400 and host status as Azure does', async () => {
    const headers = { 'x-functions-key': MASTER_KEY };
    const post = (name: string, body: string): Promise<Response> =>
      fetch(`${host.ready.url}/admin/functions/${name}`, { method: 'POST', headers, body });
    expect((await post('noSuchFunction', '{"input": ""}')).status).toBe(404);
    expect((await post('hello', '{"input": ""}')).status).toBe(400);
    expect((await post('startupTick', 'not json')).status).toBe(400);
    const status = await fetch(`${host.ready.url}/admin/host/status`, { headers });
    expect(await status.json()).toMatchObject({ state: 'Running' });
    expect((await fetch(`${host.ready.url}/admin/host/status`)).status).toBe(401);
  });

  it('stops on SIGTERM: appTerminate hooks run, exit code 0, no process left', async () => {
    host.child.kill('SIGTERM');
    expect(await host.exited).toBe(0);
    expect(host.read('lifecycle.log')).toEqual(['appStart', 'appTerminate startedBy=fixture']);
    expect(() => process.kill(host.child.pid ?? 0, 0)).toThrow();
  });
});

describe('local functions host with timers disabled', () => {
  let host: HostUnderTest;
  beforeAll(async () => {
    host = await timersOffHost;
  });

  it('skips runOnStartup and schedules', async () => {
    await host.waitForOutput('Timers are disabled');
    // Long enough for slowTick's every-second schedule to have fired, were it running.
    await delay(Math.max(0, 1200 - (Date.now() - host.readyAt)));
    expect(host.read('startupTick.log')).toEqual([]);
    expect(host.read('slowTick.log')).toEqual([]);
  });

  it('still runs timers from the admin endpoint, one run at a time', async () => {
    const run = (): Promise<Response> =>
      fetch(`${host.ready.url}/admin/functions/slowTick`, {
        method: 'POST',
        headers: { 'x-functions-key': MASTER_KEY },
        body: '{}',
      });
    expect((await run()).status).toBe(202);
    expect((await run()).status).toBe(202);
    await waitFor('the admin run to finish', () => host.read('slowTick.log').length === 2);
    expect(host.read('slowTick.log').map((line) => line.split(' ')[0])).toEqual(['start', 'end']);
    await host.waitForOutput("Timer 'slowTick': skipped");
  });

  it('stops on SIGINT too', async () => {
    host.child.kill('SIGINT');
    expect(await host.exited).toBe(0);
  });
});

describe('local functions host shutdown without signals', () => {
  it('stops by itself when the parent that forked it disconnects', async () => {
    const host = await launch({ env: { FUNCTIONS_TIMERS: 'off' } });
    host.child.disconnect();
    expect(await host.exited).toBe(0);
    expect(host.output()).toContain('Stopping host (parent disconnected)');
  });
});

describe('local functions host startup failures', () => {
  async function failure(options: LaunchOptions): Promise<string> {
    const error = await launch(options).then(
      () => undefined,
      (thrown: unknown) => thrown as Error & { output: string },
    );
    if (!error) throw new Error('the host started');
    return `${error.message}\n${error.output}`;
  }

  it('fails loudly, naming the setting, when a %SETTING% in a schedule is missing', async () => {
    const output = await failure({ settings: { STARTUP_TICK_SCHEDULE: '' } });
    expect(output).toMatch(/startupTick: schedule: '%STARTUP_TICK_SCHEDULE%' does not resolve to a value/);
  });

  it('fails loudly when an entry point throws while loading', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'local-host-broken-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'broken.js'), "throw new Error('cannot load this file');");
    const output = await failure({ main: path.join(dir, '*.js') });
    expect(output).toMatch(/Unable to load entry point ".*broken\.js": cannot load this file/);
  });
});
