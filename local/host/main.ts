// `node dist/local/host/main.js`: the local functions host as a process, like `func start`.
// Options: see options.ts. Readiness: the line "Host ready: http://localhost:PORT" on stdout
// and, when forked with an IPC channel, the message { type: 'ready', port, url, routePrefix,
// functions }. SIGINT/SIGTERM (or the parent going away) stop it cleanly with exit code 0.

import { toError } from './errors';
import { type RunningHost, startHost } from './host';
import { findAppRoot, readMainOptions } from './options';
import { formatFunctionList } from './summary';

const FORCED_EXIT_MS = 10_000;

export interface ReadyMessage {
  type: 'ready';
  port: number;
  url: string;
  routePrefix: string;
  functions: RunningHost['functions'];
}

export interface StartFailedMessage {
  type: 'error';
  message: string;
}

async function main(): Promise<void> {
  const options = readMainOptions(process.argv.slice(2), process.env, findAppRoot(__dirname));
  const host = await startHost(options);

  const lines = formatFunctionList(host.functions);
  if (host.keysGenerated) {
    lines.push(`Function key: ${host.keys.functionKey}`, `Master key:   ${host.keys.masterKey}`, '');
  }
  lines.push(`Host ready: ${host.url}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const ready: ReadyMessage = {
    type: 'ready',
    port: host.port,
    url: host.url,
    routePrefix: host.routePrefix,
    functions: host.functions,
  };
  process.send?.(ready);

  let stopping = false;
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Stopping host (${why})...\n`);
    setTimeout(() => {
      process.stderr.write(`Host did not stop within ${FORCED_EXIT_MS} ms; exiting.\n`);
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
    host.stop().then(
      () => process.exit(0),
      (thrown: unknown) => {
        process.stderr.write(`Host stopped with an error: ${toError(thrown).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // A parent that forked us and went away (test runner crash) must not leave the host running.
  process.on('disconnect', () => shutdown('parent disconnected'));
}

main().catch((thrown: unknown) => {
  const error = toError(thrown);
  process.stderr.write(`Host failed to start: ${error.message}\n`);
  const failed: StartFailedMessage = { type: 'error', message: error.message };
  // The app may have left timers or sockets open: exit explicitly, after the message is sent.
  if (process.send) process.send(failed, () => process.exit(1));
  else process.exit(1);
});
