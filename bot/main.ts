import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { PartnershipFileError } from '../review/partnership.js';
import { StoreUnavailableError } from '../review/store.js';
import { startPanel } from './server.js';
import { stopOnSignals } from './shutdown.js';

/**
 * `npm start`: Panel's server alone, configured from the environment and, when it
 * exists, a `.env` file. Each entry point (this, `npm run dev`, `npm run panel`) reads
 * `process.env` once, through `loadConfig`; nothing else does.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const panel = await startPanel(config);
  stopOnSignals(panel, panel.deps.log);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PartnershipFileError || err instanceof StoreUnavailableError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Panel failed to start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
