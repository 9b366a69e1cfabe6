import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { ConfigError, loadConfig } from '../bot/config.js';
import { readPartnership } from '../bot/server.js';
import { createWorkingCalendar } from '../review/calendar.js';
import { createDirectory, PartnershipFileError } from '../review/partnership.js';
import { StoreUnavailableError } from '../review/store.js';
import { previewReminders } from '../review/preview-reminders.js';
import { openStore } from '../storage/open-store.js';

const USAGE = 'usage: npm run panel -- reminders --dry-run [--at 2026-12-14T09:00]   (--at is partnership time; default now)';

/**
 * `npm run panel -- …`: operators' commands, on the store and partnership file that
 * `npm start` uses (the environment and `.env`). Today one: what the reminder sweep
 * would send, and to whom, by reference: it sends and records nothing.
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, at: { type: 'string' } },
  });
  if (positionals[0] !== 'reminders' || !values['dry-run']) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const partnership = readPartnership(config.partnershipFile);
  const at = values.at ? DateTime.fromISO(values.at, { zone: partnership.timezone }) : DateTime.now();
  if (!at.isValid) {
    process.stderr.write(`--at ${values.at} is not a date and time such as 2026-12-14T09:00\n${USAGE}\n`);
    return 2;
  }
  const store = await openStore(config.store);
  try {
    const lines = await previewReminders(
      { store, partnership, calendar: createWorkingCalendar(partnership.nation), directory: createDirectory(partnership) },
      at.toJSDate(),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof PartnershipFileError || err instanceof StoreUnavailableError;
    process.stderr.write(`${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  },
);
