import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { azureMonitorSink } from '../../../src/lib/telemetry/sinks';

/** What the distro's log pipeline received, as its exporter would get it. */
interface Emitted {
  attributes: Record<string, unknown>;
  body?: unknown;
}
const emitted: Emitted[] = [];

beforeAll(() => {
  useAzureMonitor({
    // A syntactically valid resource on a loopback port nobody listens on: nothing leaves the machine.
    azureMonitorExporterOptions: {
      connectionString:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
      disableOfflineStorage: true,
    },
    enableLiveMetrics: false,
    enableStandardMetrics: false,
    logRecordProcessors: [
      {
        onEmit: (record: Emitted) =>
          void emitted.push({ attributes: { ...record.attributes }, body: record.body }),
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      },
    ],
  });
});

afterAll(async () => {
  await shutdownAzureMonitor();
});

describe('the Azure Monitor sink', () => {
  it('emits a log record named by microsoft.custom_event.name (a customEvents row), dimensions as attributes, measurements in the body', () => {
    azureMonitorSink().write({
      name: 'mfa-recovery.brake_engaged',
      dimensions: { action: 'tap.issue', correlationId: 'c1' },
      measurements: { distinctUsers: 11 },
    });
    expect(emitted).toEqual([
      {
        attributes: {
          'microsoft.custom_event.name': 'mfa-recovery.brake_engaged',
          action: 'tap.issue',
          correlationId: 'c1',
        },
        body: { measurements: { distinctUsers: 11 } },
      },
    ]);
  });
});
