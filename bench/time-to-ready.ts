import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const READY_LINE = /local stack ready/;

/** Ctrl-C as a terminal sends it: SIGINT to the whole process group (npm, sh, node and the stack's children). */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGINT');
  await exited;
}

/** Wall time from spawning a start command to its ready line; the stack is then stopped with SIGINT. */
export async function measureTimeToReady(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, FUNCTIONS_HTTP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${command} ${args.join(' ')} was not ready in 120 s`)),
        120_000,
      );
      child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (READY_LINE.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    return performance.now() - started;
  } finally {
    child.removeAllListeners('exit');
    await stopProcessGroup(child);
  }
}
