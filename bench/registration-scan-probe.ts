// Run in a fresh process by registration-scan.ts: one scanRegistration run against the stack named
// in the environment, so its peak memory is the scan's own, not the simulator's.
import { scanRegistration } from '../src/lib/registration/scan-registration';
import { getServices } from '../src/lib/services';

async function main(): Promise<void> {
  const deps = getServices().registration;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await scanRegistration(deps);
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
