// Run in a fresh process by scan-process.ts: one scan (`registration` or `detection`, the first
// argument) against the stack named in the environment, so its peak memory is the scan's own, not
// the simulator's.
import { detectLockouts } from '../src/lib/detection/detect-lockouts';
import { scanRegistration } from '../src/lib/registration/scan-registration';
import { getServices } from '../src/lib/services';

const SCANS = {
  registration: async () => await scanRegistration(getServices().registration),
  detection: async () => await detectLockouts(getServices().detection),
};

async function main(scan: keyof typeof SCANS): Promise<void> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await SCANS[scan]();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // cpuUsage is in microseconds, maxRSS in kilobytes.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ report, wallMs, cpuMs, peakRssMb }));
}

const scan = process.argv[2];
if (scan !== 'registration' && scan !== 'detection')
  throw new Error('usage: scan-probe.js registration|detection');
main(scan).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
