import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../bot/config.js';
import { readPartnership } from '../bot/partnership-file.js';
import { createWorkingCalendar } from '../review/calendar.js';
import { createDirectory, PartnershipFileError } from '../review/partnership.js';
import { StoreUnavailableError } from '../review/store.js';
import { openStore } from '../storage/open-store.js';
import { UsageError, type Args, type Command } from './commands/context.js';
import { audit } from './commands/audit.js';
import { erase } from './commands/erase.js';
import { exportCommand } from './commands/export.js';
import { reminders } from './commands/reminders.js';
import { report } from './commands/report.js';
import { retention } from './commands/retention.js';

/** The operators' commands, by name. */
const COMMANDS: Record<string, Command> = { reminders, retention, audit, export: exportCommand, erase, report };

const usage = () => Object.values(COMMANDS).map((c) => `usage: npm run panel -- ${c.usage}`);

/**
 * `npm run panel -- …`: operators' commands, on the store and partnership file that
 * `npm start` uses (the environment and `.env`). Each is a file in `commands/`.
 */
async function main(argv: string[]): Promise<number> {
  const command = COMMANDS[argv[0] ?? ''];
  if (!command) {
    process.stderr.write(`${usage().join('\n')}\n`);
    return 2;
  }
  let args: Args;
  try {
    const parsed = parseArgs({ args: argv.slice(1), allowPositionals: true, options: command.options });
    args = { positionals: parsed.positionals, values: parsed.values };
    command.check?.(args);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: npm run panel -- ${command.usage}\n`);
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const partnership = readPartnership(config.partnershipFile);
  const store = await openStore(config.store);
  try {
    return await command.run(
      {
        store,
        partnership,
        directory: createDirectory(partnership),
        calendar: createWorkingCalendar(partnership.nation),
        now: () => new Date(),
        operator: `operator:${userInfo().username}`,
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        ask: async (question) => {
          if (!process.stdin.isTTY) return undefined;
          const terminal = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return await terminal.question(question);
          } finally {
            terminal.close();
          }
        },
      },
      args,
    );
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\nusage: npm run panel -- ${command.usage}\n`);
    return 2;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof PartnershipFileError || err instanceof StoreUnavailableError;
    process.stderr.write(`${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  },
);
