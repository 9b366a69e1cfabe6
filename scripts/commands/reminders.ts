import { DateTime } from 'luxon';
import { previewReminders } from '../../review/preview-reminders.js';
import { UsageError, type Command } from './context.js';

/** What the reminder sweep would send, and to whom, by reference: it sends and records nothing. */
export const reminders: Command = {
  usage: 'reminders --dry-run [--at 2026-12-14T09:00]   (--at is partnership time; default now)',
  options: { 'dry-run': { type: 'boolean' }, at: { type: 'string' } },
  check({ values }) {
    if (!values['dry-run']) throw new UsageError('reminders needs --dry-run: it only says what would be sent');
  },
  async run(context, { values }) {
    const text = typeof values.at === 'string' ? values.at : undefined;
    const at = text ? DateTime.fromISO(text, { zone: context.partnership.timezone }) : DateTime.fromJSDate(context.now());
    if (!at.isValid) throw new UsageError(`--at ${text} is not a date and time such as 2026-12-14T09:00`);
    const lines = await previewReminders(context, at.toJSDate());
    for (const line of lines) context.out(line);
    return 0;
  },
};
