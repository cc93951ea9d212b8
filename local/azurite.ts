import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { stopChild } from './child-process';

/** Azurite's well-known development account (public, documented by Microsoft). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const SERVICES = ['Blob', 'Queue', 'Table'] as const;
type Service = (typeof SERVICES)[number];

export interface Azurite {
  endpoints: Record<Service, string>;
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * Azurite on loopback, free ports, no telemetry. Data lives in memory and goes with the process
 * (its disk mode re-saves the whole table database on every write, which is Azurite's cost, not
 * Table Storage's); no access log, which nobody reads.
 */
export async function startAzurite(options: { startupTimeoutMs?: number } = {}): Promise<Azurite> {
  const entry = require.resolve('azurite/dist/src/azurite.js');
  const args = [entry, '--inMemoryPersistence', '--silent', '--disableTelemetry', '--skipApiVersionCheck'];
  for (const service of SERVICES) {
    const name = service.toLowerCase();
    args.push(`--${name}Host`, '127.0.0.1', `--${name}Port`, '0');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => stopChild(child);
  try {
    const endpoints = await waitForEndpoints(child, options.startupTimeoutMs ?? 30_000);
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
      SERVICES.map((service) => `${service}Endpoint=${endpoints[service]}/${ACCOUNT};`).join('');
    return { endpoints, connectionString, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForEndpoints(child: ChildProcess, timeoutMs: number): Promise<Record<Service, string>> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<Service, string>> = {};
    const output: string[] = [];
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start in ${timeoutMs} ms:\n${output.join('\n')}`)),
      timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.once('exit', (code) =>
      fail(new Error(`Azurite exited (${code}) before it was ready:\n${output.join('\n')}`)),
    );
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const match = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/.exec(
        line,
      );
      if (!match) return;
      found[match[1] as Service] = match[2]!;
      if (SERVICES.every((service) => found[service])) {
        clearTimeout(timer);
        resolve(found as Record<Service, string>);
      }
    });
  });
}
