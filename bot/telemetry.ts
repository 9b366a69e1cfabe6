/**
 * Preloaded before Panel (`node --import ./dist/bot/telemetry.js dist/bot/main.js`, as
 * `npm start` does), so OpenTelemetry's instrumentation is in place before the modules it
 * instruments load: HTTP (turns in, Bot Connector calls out) and the Azure SDK (Cosmos
 * DB). Off unless APPLICATIONINSIGHTS_CONNECTION_STRING is set; then traces and metrics
 * (bot/observability.ts) go to Application Insights. Logs stay pino JSON on stdout.
 */
import { useAzureMonitor } from '@azure/monitor-opentelemetry';

const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
if (connectionString) {
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // Personal data never goes: no request or response bodies are recorded, and logs are not sent.
    instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true } },
    enableLiveMetrics: false,
  });
}
