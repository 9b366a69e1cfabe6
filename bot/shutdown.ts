import type { RunningPanel } from './server.js';
import { SHUTDOWN_GRACE_MS } from './server.js';
import { flushTelemetry } from './observability.js';

interface Log {
  info(obj: object, msg: string): void;
}

/**
 * On SIGTERM (App Service, Container Apps, a redeploy) or SIGINT: Panel stops taking turns
 * and effects, lets what is under way finish within the grace period, and exits 0. Should
 * closing itself hang, it exits 1 just after the grace period, before the host's SIGKILL.
 */
export function stopOnSignals(panel: RunningPanel, log: Log, graceMs = SHUTDOWN_GRACE_MS): void {
  const stop = (signal: NodeJS.Signals) => {
    log.info({ signal, graceMs }, 'Panel is stopping');
    setTimeout(() => process.exit(1), graceMs + 3000).unref();
    // Metrics read the store: they go while it is still open, the last traces after.
    flushTelemetry(1500)
      .then(() => panel.close(graceMs))
      .then(
        () => 0,
        () => 1,
      )
      // What telemetry holds goes before the process does.
      .then(async (code) => {
        await flushTelemetry(1500);
        process.exit(code);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
