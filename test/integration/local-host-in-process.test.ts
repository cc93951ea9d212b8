// The in-process API (startHost) that tests and benchmarks use when they do not need a child.
// The core module it installs is process-global, so this file starts one host only; vitest runs
// each test file in its own process.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { type RunningHost, startHost } from '../../local/host/host';

const FIXTURE_MAIN = path.resolve(__dirname, '../../dist/test/fixtures/host-app/src/functions/*.js');

describe('startHost (in process)', () => {
  const appDir = mkdtempSync(path.join(tmpdir(), 'local-host-inproc-'));
  const outDir = path.join(appDir, 'out');
  const lines: string[] = [];
  let host: RunningHost | undefined;
  afterAll(async () => {
    await host?.stop();
    rmSync(appDir, { recursive: true, force: true });
  });

  it('serves the app on a free port and reports generated keys', async () => {
    mkdirSync(outDir);
    writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ main: FIXTURE_MAIN }));
    writeFileSync(
      path.join(appDir, 'local.settings.json'),
      JSON.stringify({ Values: { FIXTURE_OUT_DIR: outDir, STARTUP_TICK_SCHEDULE: '0 0 0 1 1 *' } }),
    );
    host = await startHost({
      appDir,
      port: 0,
      timers: false,
      output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
    });
    expect(host.keysGenerated).toBe(true);
    expect(host.keys.functionKey).not.toBe(host.keys.masterKey);
    const response = await fetch(`${host.url}/api/users/me`, {
      headers: { 'x-functions-key': host.keys.functionKey },
    });
    expect(await response.json()).toEqual({ function: 'getMe' });
    expect(lines.join('\n')).toMatch(/Executed 'Functions\.getMe' \(Succeeded/);
  });

  it('refuses a second host in the same process', async () => {
    await expect(
      startHost({ appDir, port: 0, timers: false, output: { out: () => {}, err: () => {} } }),
    ).rejects.toThrow('one app per process');
  });

  it('stops: closes the port and runs appTerminate hooks', async () => {
    const url = host?.url ?? '';
    await host?.stop();
    await expect(fetch(`${url}/api/hello`)).rejects.toThrow();
    expect(readFileSync(path.join(outDir, 'lifecycle.log'), 'utf8')).toBe(
      'appStart\nappTerminate startedBy=fixture\n',
    );
  });
});
