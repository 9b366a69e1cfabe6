import { loadConfig } from '../bot/config.js';
import { startPanel } from '../bot/server.js';
import { startPlayground } from './playground.js';

/**
 * `npm run dev`: Panel in local mode on the embedded store, and the Agents Playground
 * in front of it, set up with the demo partnership's people (.m365agentsplayground.yml).
 * Bot credentials in the environment are ignored here: dev is always local.
 */
async function dev(): Promise<void> {
  // LOCAL_MODE turns authentication off, which loadConfig refuses under NODE_ENV=production.
  const config = loadConfig({ ...process.env, LOCAL_MODE: 'true', BOT_ID: '' });
  const panel = await startPanel(config);
  const playground = await startPlayground({
    port: 56150,
    botEndpoint: `http://127.0.0.1:${panel.port}/api/messages`,
  });
  process.stdout.write(
    [
      '',
      `Panel is running in local mode on http://localhost:${panel.port} (store: ${config.store.kind === 'sqlite' ? config.store.path : config.store.endpoint}).`,
      `Open ${playground.url.replace('127.0.0.1', 'localhost')} to chat with it as Dana Evans, a practitioner.`,
      'Type "refer" to make a referral, or "help". Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    Promise.all([playground.stop(), panel.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

dev().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
