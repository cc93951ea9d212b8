import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { summarize } from './stats';

/** Loads the app in `runs` fresh Node processes; returns the module-load time and whole-process time. */
export function measureColdStart(runs: number): {
  load: ReturnType<typeof summarize>;
  process: ReturnType<typeof summarize>;
} {
  const probe = path.join(__dirname, 'cold-start-probe.js');
  const loads: number[] = [];
  const processes: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const output = execFileSync(process.execPath, [probe], { encoding: 'utf8' });
    processes.push(performance.now() - started);
    loads.push((JSON.parse(output) as { loadMs: number }).loadMs);
  }
  return { load: summarize(loads), process: summarize(processes) };
}
