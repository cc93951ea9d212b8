import { type ChildProcess, fork } from 'node:child_process';

import { stopChild } from './child-process';
import { compiledHostMainPath } from './host/entry-path';

export interface FunctionsHostProcess {
  port: number;
  child: ChildProcess;
  /** Everything the host printed so far (only when its output is piped). */
  output(): string;
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: 'ready';
  port: number;
}

const isReadyMessage = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';

/**
 * The local functions host runs in its own process, as the app does under `func start`: the
 * process-wide `@azure/functions-core` hook and NODE_EXTRA_CA_CERTS (read only at process start)
 * stay out of the caller's process.
 */
export function startFunctionsHostProcess(options: {
  env: NodeJS.ProcessEnv;
  output?: 'inherit' | 'pipe';
  startupTimeoutMs?: number;
}): Promise<FunctionsHostProcess> {
  const child = fork(compiledHostMainPath(), [], {
    env: options.env,
    stdio:
      options.output === 'inherit'
        ? ['ignore', 'inherit', 'inherit', 'ipc']
        : ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const timeoutMs = options.startupTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${reason}\n${output.join('')}`));
    };
    const timer = setTimeout(
      () => fail(`The functions host was not ready within ${timeoutMs} ms.`),
      timeoutMs,
    );
    child.once('exit', (code, signal) =>
      fail(`The functions host exited (${code ?? signal}) before it was ready.`),
    );
    child.on('message', (message) => {
      if (!isReadyMessage(message)) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ port: message.port, child, output: () => output.join(''), stop: () => stopChild(child) });
    });
  });
}
