import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * An error as logs may show it: its name and where it was thrown. Not its message,
 * which a library may have filled with data from the request.
 */
export function loggableError(err: unknown): { name: string; frames?: string } {
  if (!(err instanceof Error)) return { name: typeof err };
  const frames = err.stack?.split('\n').slice(1).join('\n');
  return frames ? { name: err.name, frames } : { name: err.name };
}

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
