import { loggableError, type Logger } from './logger.js';

/**
 * Work that follows a turn instead of delaying it: a Teams invoke must be answered
 * within 5 seconds, and a post to another conversation need not hold it up. Tracked,
 * so shutdown (and a test) can wait for it to finish; failures are logged, not lost.
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  run(name: string, task: () => Promise<void>): void {
    const running: Promise<void> = task()
      .catch((err: unknown) => {
        this.log.error({ job: name, err: loggableError(err) }, 'background work failed');
      })
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }

  /** Resolves when nothing is running, including work started by work that finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
