import { DateTime } from 'luxon';
import { UsageError, type Command } from './context.js';

/**
 * `retention --dry-run [--at …]`: every closed case waiting for its retention to end,
 * soonest first, and which the nightly purge would delete by then. Deletes nothing.
 */
export const retention: Command = {
  usage: 'retention --dry-run [--at 2033-12-01T03:00]   (--at is partnership time; default now)',
  options: { 'dry-run': { type: 'boolean' }, at: { type: 'string' } },
  check({ values }) {
    if (!values['dry-run']) throw new UsageError('retention needs --dry-run: the nightly job is what purges');
  },
  async run(context, { values }) {
    const zone = context.partnership.timezone;
    const text = typeof values.at === 'string' ? values.at : undefined;
    const at = text ? DateTime.fromISO(text, { zone }) : DateTime.fromJSDate(context.now(), { zone });
    if (!at.isValid) throw new UsageError(`--at ${text} is not a date and time such as 2033-12-01T03:00`);
    const by = at.toUTC().toISO()!;
    const expiries = await context.store.listExpiries();
    const local = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm');
    for (const e of expiries) {
      const record = await context.store.getCase(e.reference);
      const closed = record?.closedAt ? `closed ${local(record.closedAt)}` : 'closed';
      context.out(
        `${e.reference}  ${record?.kind ?? ''}  ${closed}  retention ends ${local(e.expiresAt)}  ${e.expiresAt <= by ? 'WOULD BE PURGED' : 'kept'}`,
      );
    }
    const due = expiries.filter((e) => e.expiresAt <= by).length;
    context.out(`${expiries.length} closed cases held; ${due} would be purged by ${at.toFormat('yyyy-MM-dd HH:mm')} (${zone}).`);
    return 0;
  },
};
