import { schedule, type ScheduledTask } from 'node-cron';
import type { EffectRunner } from '../review/run-effects.js';

interface Log {
  error(obj: object, msg: string): void;
}

/**
 * The effects sweep (review/run-effects.ts): once at start-up, for what the last run left,
 * and every `everyMinutes` in the partnership's timezone, never two at once in one
 * process. Several instances may sweep at once: each effect is taken by one of them.
 */
export function scheduleEffects(
  runner: EffectRunner,
  options: { timezone: string; everyMinutes: number; log: Log; now: () => Date },
): { task: ScheduledTask; started: Promise<void>; lastSwept: () => Date | undefined } {
  let swept: Date | undefined;
  const run = async () => {
    try {
      await runner.sweep();
      swept = options.now();
    } catch (err) {
      options.log.error({ job: 'effects', err: err instanceof Error ? err.name : 'error' }, 'effects sweep failed');
    }
  };
  const task = schedule(`*/${options.everyMinutes} * * * *`, run, { name: 'effects', timezone: options.timezone, noOverlap: true });
  return { task, started: run(), lastSwept: () => swept };
}
