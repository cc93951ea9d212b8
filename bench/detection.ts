import { DEMO_SEED_PATH } from '../local/graph';
import type { DetectionReport } from '../src/lib/detection/detect-lockouts';
import { type ScanFigures, startScanStack } from './scan-process';

export interface DetectionFigures {
  events: number;
  users: number;
  first: ScanFigures<DetectionReport>;
  second: ScanFigures<DetectionReport>;
}

/**
 * N failure events over M users in the simulator (no added latency), then a first-run scan into
 * Azurite and a second run with no new events, each in its own process.
 */
export async function measureDetection(events: number, users: number): Promise<DetectionFigures> {
  const stack = await startScanStack(DEMO_SEED_PATH);
  try {
    const now = Date.now();
    stack.graph.generateSignIns({
      count: events,
      users,
      errorCodes: [500121],
      since: new Date(now - 23 * 3_600_000).toISOString(),
      until: new Date(now - 5 * 60_000).toISOString(),
    });
    const first = await stack.scan<DetectionReport>('detection');
    const second = await stack.scan<DetectionReport>('detection');
    return { events, users, first, second };
  } finally {
    await stack.close();
  }
}
