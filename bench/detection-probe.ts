// Run in a fresh process by detection.ts: one detectLockouts run against the stack named in the
// environment, so its peak memory is the scan's own, not the simulator's.
import { detectLockouts } from '../src/lib/detection/detect-lockouts';
import { getServices } from '../src/lib/services';

async function main(): Promise<void> {
  const started = performance.now();
  const report = await detectLockouts(getServices().detection);
  const wallMs = performance.now() - started;
  // maxRSS is in kilobytes.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ report, wallMs, peakRssMb }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
