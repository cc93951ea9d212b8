import { createRequire } from 'node:module';

import type * as OtelApi from '@opentelemetry/api';
import type * as OtelLogsApi from '@opentelemetry/api-logs';

import type { TelemetrySink } from './records';

/** Locally: one compact line per record on the console, e.g. `telemetry mfa-recovery.action action=tap.issue …`. */
export const consoleSink: TelemetrySink = {
  write(record) {
    const fields = [...Object.entries(record.dimensions), ...Object.entries(record.measurements)];
    console.log(['telemetry', record.name, ...fields.map(([key, value]) => `${key}=${value}`)].join(' '));
  },
};

/**
 * In Azure, through the OpenTelemetry API the Azure Monitor distro registered (useAzureMonitor): a
 * log record carrying `microsoft.custom_event.name` becomes a row of `customEvents`, its attributes
 * `customDimensions` and its body's `measurements` `customMeasurements`; each instrument becomes rows
 * of `customMetrics` (docs/telemetry.md).
 */
export function azureMonitorSink(): TelemetrySink {
  // The API packages as the distro itself resolves them: they are its dependencies, not this app's,
  // and every copy of the API reaches the one provider the distro registered.
  const distroRequire = createRequire(require.resolve('@azure/monitor-opentelemetry'));
  const { logs, SeverityNumber } = distroRequire('@opentelemetry/api-logs') as typeof OtelLogsApi;
  const { metrics } = distroRequire('@opentelemetry/api') as typeof OtelApi;
  const logger = logs.getLogger('mfa-recovery');
  const meter = metrics.getMeter('mfa-recovery');
  const actions = meter.createCounter('mfa-recovery.actions', {
    description: 'Actions by action and outcome (refused included)',
  });
  const lockoutsOpened = meter.createCounter('mfa-recovery.lockouts_opened', {
    description: 'Lockout flags opened or re-opened by detection runs',
  });
  const detectionLag = meter.createHistogram('mfa-recovery.detection_lag', {
    description: 'How far behind now lockout detection has read sign-ins, at the end of each run',
    unit: 's',
  });

  return {
    write({ name, dimensions, measurements }) {
      logger.emit({
        severityNumber: SeverityNumber.INFO,
        body: { measurements },
        attributes: { 'microsoft.custom_event.name': name, ...dimensions },
      });
      if (name === 'mfa-recovery.action') {
        actions.add(1, { action: dimensions.action, outcome: dimensions.outcome });
      } else if (name === 'mfa-recovery.detection_run') {
        lockoutsOpened.add((measurements.opened ?? 0) + (measurements.reopened ?? 0));
        if (measurements.lagSeconds !== undefined) detectionLag.record(measurements.lagSeconds);
      }
    },
  };
}
