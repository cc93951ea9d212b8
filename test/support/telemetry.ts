import { afterEach, beforeEach } from 'vitest';

import { type TelemetryRecord, useTelemetrySink } from '../../src/lib/telemetry/records';

/** Collects, per test, every telemetry record the code under test writes. */
export function captureTelemetry(): TelemetryRecord[] {
  const records: TelemetryRecord[] = [];
  let restore: () => void = () => undefined;
  beforeEach(() => {
    records.length = 0;
    restore = useTelemetrySink({ write: (record) => void records.push(record) });
  });
  afterEach(() => restore());
  return records;
}
