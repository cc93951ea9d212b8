// Run in a fresh process by detection.ts: one detectLockouts run against the stack named in the
// environment, so its peak memory is the scan's own, not the simulator's.
import { detectLockouts } from '../src/lib/detection/detect-lockouts';
import { getServices } from '../src/lib/services';

async function main(): Promise<void> {
  const deps = getServices().detection;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await detectLockouts(deps);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // cpuUsage is in microseconds, maxRSS in kilobytes.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ report, wallMs, cpuMs, peakRssMb }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
