import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from '../bot/config.js';
import { startPanel, type PanelOptions, type RunningPanel } from '../bot/server.js';
import { startPlayground, type Playground } from './playground.js';

export interface DevSetup {
  config: Config;
  panel: RunningPanel;
  playground: Playground;
  stop(): Promise<void>;
}

/**
 * Panel in local mode and the Agents Playground in front of it, set up with the demo
 * partnership's people (.m365agentsplayground.yml). Bot credentials in `env` are
 * ignored: this is always local. The end-to-end tests start exactly this.
 */
export async function startDevSetup(
  env: Readonly<Record<string, string | undefined>>,
  options: PanelOptions & { playgroundPort: number; playgroundDir?: string },
): Promise<DevSetup> {
  // LOCAL_MODE turns authentication off, which loadConfig refuses under NODE_ENV=production.
  const config = loadConfig({ ...env, LOCAL_MODE: 'true', BOT_ID: '', BOT_PASSWORD: '', BOT_TENANT_ID: '' });
  const panel = await startPanel(config, options);
  try {
    const playground = await startPlayground({
      port: options.playgroundPort,
      botEndpoint: `http://127.0.0.1:${panel.port}/api/messages`,
      ...(options.playgroundDir && { dir: options.playgroundDir }),
    });
    return {
      config,
      panel,
      playground,
      async stop() {
        await playground.stop();
        await panel.close();
      },
    };
  } catch (err) {
    await panel.close();
    throw err;
  }
}

/** `npm run dev`. */
async function main(): Promise<void> {
  const { config, panel, playground, stop } = await startDevSetup(process.env, { playgroundPort: 56150 });
  const store = config.store.kind === 'sqlite' ? `SQLite at ${config.store.path}` : `Cosmos DB at ${config.store.endpoint}`;
  process.stdout.write(
    [
      '',
      `Panel is running in local mode on http://localhost:${panel.port}, on ${store}.`,
      `Open ${playground.url.replace('127.0.0.1', 'localhost')} to chat with it as Dana Evans, a practitioner.`,
      'Type "refer" to make a referral, or "help". Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const quit = () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}

if (process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
