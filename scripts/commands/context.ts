import type { WorkingCalendar } from '../../review/calendar.js';
import type { Directory, Partnership } from '../../review/partnership.js';
import type { CaseStore } from '../../review/store.js';

/** What an operator's command runs with: the store and partnership file `npm start` uses. */
export interface CommandContext {
  store: CaseStore;
  partnership: Partnership;
  directory: Directory;
  calendar: WorkingCalendar;
  now: () => Date;
  /** Who is running it, as the audit trail records it: `operator:<login name>`. */
  operator: string;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Asks on the terminal and returns the answer; undefined without one (not a TTY). */
  ask: (question: string) => Promise<string | undefined>;
}

/** A command's arguments, as `parseArgs` read them. */
export interface Args {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** One operator's command: its usage line, and what it does with its arguments; the exit code. */
export interface Command {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean' }>;
  /** Refuses arguments it cannot take (a UsageError), before the store is opened. */
  check?(args: Args): void;
  run(context: CommandContext, args: Args): Promise<number>;
}

/** A usage error: said on stderr with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
