import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. They carry references, verbs, activity types and outcomes, never
 * what people typed, names or dates of birth: the redact list is a second line of
 * defence for the activity fields that hold personal data.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'panel' },
      redact: {
        paths: ['text', 'value', '*.text', '*.value', 'from.name', '*.from.name', 'referral', '*.referral'],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
