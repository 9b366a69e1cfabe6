/**
 * A test-only entry point: Panel's server as `npm start` runs it, configured from the
 * environment, but with a fixed "now" from PANEL_TEST_NOW (an ISO instant), so a test
 * can kill it and start it again "an hour later" without waiting for time to pass.
 *
 * Started by tests/support/panel-process.ts, which reads the JSON lines it writes to
 * stdout: `loaded` once its modules are loaded, `ready` (with its port) once it listens,
 * and `swept` once the start-up sweep has finished. Logs go to stderr. With
 * PANEL_TEST_WAIT=true it waits, its modules loaded, for a line on stdin before it
 * starts: a test spawns the process that replaces a crashed one ahead of the crash, and
 * lets it start (open the store, listen, sweep) only once the crashed one is dead. It
 * exits when its stdin ends: when the test process has gone.
 */
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startPanel } from '../../bot/server.js';
import { stopOnSignals } from '../../bot/shutdown.js';

const say = (event: 'loaded' | 'ready' | 'swept', detail: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ panelProcess: event, ...detail })}\n`);

// Its stdin is the test's pipe: if the test process goes, so does this one.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

const fixed = process.env.PANEL_TEST_NOW;
const at = fixed === undefined || fixed === '' ? undefined : new Date(fixed);
if (at && Number.isNaN(at.getTime())) {
  process.stderr.write(`PANEL_TEST_NOW is not an ISO instant: ${fixed}\n`);
  process.exit(2);
}

if (process.env.PANEL_TEST_WAIT === 'true') {
  say('loaded');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
}

const config = loadConfig(process.env);
const panel = await startPanel(config, {
  ...(at && { now: () => new Date(at.getTime()) }),
  log: createLogger(config.logLevel, process.stderr),
});
// Stopped as `npm start` is: SIGTERM lets its work finish within the grace period.
stopOnSignals(panel, panel.deps.log);
say('ready', { port: panel.port, pid: process.pid });
// The start-up sweep is the only background work until a test sends an activity.
await panel.deps.background.idle();
say('swept');
