/**
 * A test-only entry point: Panel's server as `npm start` runs it, configured from the
 * environment, but with a fixed "now" from PANEL_TEST_NOW (an ISO instant), so a test
 * can kill it and start it again "an hour later" without waiting. Started by
 * tests/support/panel-process.ts, which reads the two lines it writes to stdout: its
 * port once it listens, and when the start-up sweep has finished. Logs go to stderr.
 */
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startPanel } from '../../bot/server.js';

const fixed = process.env.PANEL_TEST_NOW;
const at = fixed === undefined || fixed === '' ? undefined : new Date(fixed);
if (at && Number.isNaN(at.getTime())) {
  process.stderr.write(`PANEL_TEST_NOW is not an ISO instant: ${fixed}\n`);
  process.exit(2);
}

const config = loadConfig(process.env);
const panel = await startPanel(config, {
  ...(at && { now: () => new Date(at.getTime()) }),
  log: createLogger(config.logLevel, process.stderr),
});
process.stdout.write(`${JSON.stringify({ panelProcess: 'ready', port: panel.port, pid: process.pid })}\n`);
// The start-up sweep is the only background work until a test sends an activity.
await panel.deps.background.idle();
process.stdout.write(`${JSON.stringify({ panelProcess: 'swept' })}\n`);
