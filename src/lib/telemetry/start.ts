import { useTelemetrySink } from './records';
import { azureMonitorSink, consoleSink } from './sinks';

/**
 * Chooses where telemetry goes, once at app start: Application Insights through the Azure Monitor
 * OpenTelemetry distro when APPLICATIONINSIGHTS_CONNECTION_STRING is set (as App Service sets it),
 * the console otherwise (`npm start`, `func start`). The distro loads only in the first case.
 */
export async function startTelemetry(settings: { connectionString: string | undefined }): Promise<void> {
  if (settings.connectionString === undefined) {
    useTelemetrySink(consoleSink);
    return;
  }
  const { useAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: settings.connectionString },
    // A sampled-out request must not take its custom events with it (the brake's alert needs each one).
    enableTraceBasedSamplingForLogs: false,
  });
  useTelemetrySink(azureMonitorSink());
}
