import { schedule, type ScheduledTask } from 'node-cron';
import type { CaseStore } from '../review/store.js';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Every night at 02:30, partnership time: outside working hours. */
export const RETENTION_SCHEDULE = '30 2 * * *';

/** Deletes what has passed its retention, and says how much, by count only. */
export async function purgeExpiredCases(store: CaseStore, now: () => Date, log: Logger): Promise<number> {
  const purged = await store.purgeExpired(now().toISOString());
  log.info({ job: 'retention', purged }, 'retention purge done');
  return purged;
}

/**
 * The nightly retention purge. With several instances on one store each may run it;
 * deleting what is already deleted is harmless, so it needs no lease.
 */
export function scheduleRetention(options: { store: CaseStore; timezone: string; now: () => Date; log: Logger }): ScheduledTask {
  return schedule(
    RETENTION_SCHEDULE,
    async () => {
      try {
        await purgeExpiredCases(options.store, options.now, options.log);
      } catch (err) {
        options.log.error({ job: 'retention', err: err instanceof Error ? err.name : 'error' }, 'retention purge failed');
      }
    },
    { name: 'retention', timezone: options.timezone, noOverlap: true },
  );
}
