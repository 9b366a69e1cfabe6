import { DateTime } from 'luxon';
import { effectsOf } from './effects.js';
import { localDateOf } from './local-date.js';
import { stillWanted } from './owed.js';
import { mayRemindAt } from './reminders.js';
import type { ReviewDeps } from './deps.js';

/**
 * What the sweep would send at `at`, without sending or recording anything: one line per
 * reminder or escalation due, by reference, agency and staff member. For
 * `npm run panel -- reminders --dry-run`.
 */
export async function previewReminders(
  deps: Pick<ReviewDeps, 'store' | 'partnership' | 'calendar' | 'directory'>,
  at: Date,
): Promise<string[]> {
  const { store, partnership, calendar, directory } = deps;
  const open = mayRemindAt(at, partnership.reminders, partnership.timezone, calendar);
  const lines = [
    `At ${DateTime.fromJSDate(at, { zone: partnership.timezone }).toFormat('yyyy-MM-dd HH:mm')} (${partnership.timezone}): ` +
      (open ? 'within working hours.' : 'outside working hours: nothing would be sent until they begin.'),
  ];
  const today = localDateOf(at, partnership.timezone);
  const now = at.toISOString();
  let continuation: string | undefined;
  do {
    const page = await store.listDueCases(now, { limit: 50, ...(continuation && { continuation }) });
    for (const due of page.items) {
      const record = await store.getCase(due.reference);
      if (!record) continue;
      const effects = effectsOf(record)
        .filter((e) => e.status === 'pending' && e.dueAt <= now && (e.kind === 'reminder' || e.kind === 'escalation'))
        .sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.key < b.key ? -1 : 1));
      for (const e of effects) {
        const agency = partnership.agencies.find((a) => a.id === e.payload?.agencyId)?.name ?? e.payload?.agencyId ?? '';
        const to =
          e.kind === 'escalation'
            ? "the business unit's channel"
            : (directory.find(e.payload?.aadObjectId)?.name ?? e.payload?.aadObjectId ?? '');
        const late = e.payload?.on && e.payload.on < today ? ', late' : '';
        const skipped = stillWanted(record, e) ? '' : ' (would be skipped: no longer needed)';
        lines.push(`${record.reference}  ${e.kind}  ${agency}  to ${to}${late}${skipped}`);
      }
    }
    continuation = page.continuation;
  } while (continuation);
  if (lines.length === 1) lines.push('No reminders are due.');
  return lines;
}
