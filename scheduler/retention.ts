import { schedule, type ScheduledTask } from 'node-cron';
import { purgeExpired } from '../review/retention.js';
import type { CaseStore } from '../review/store.js';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Every night at 02:30, partnership time: outside working hours. */
export const RETENTION_SCHEDULE = '30 2 * * *';

interface Options {
  store: CaseStore;
  timezone: string;
  now: () => Date;
  log: Logger;
}

/** Deletes what has passed its retention, and says how much: by count only in the log. */
export async function purgeExpiredCases(options: Options): Promise<string[]> {
  const purged = await purgeExpired({ store: options.store, partnership: { timezone: options.timezone }, now: options.now });
  options.log.info({ job: 'retention', purged: purged.length }, 'retention purge done');
  return purged;
}

/**
 * The nightly retention purge. With several instances on one store each may run it: a
 * case's tombstone and the record of its purge are written once, and deleting what is
 * already deleted is harmless, so it needs no lease.
 */
export function scheduleRetention(options: Options): ScheduledTask {
  return schedule(
    RETENTION_SCHEDULE,
    async () => {
      try {
        await purgeExpiredCases(options);
      } catch (err) {
        options.log.error({ job: 'retention', err: err instanceof Error ? err.name : 'error' }, 'retention purge failed');
      }
    },
    { name: 'retention', timezone: options.timezone, noOverlap: true },
  );
}
