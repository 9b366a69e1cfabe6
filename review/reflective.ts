/**
 * A reflective review (Cheshire East): one meeting, with a chair nominated to lead it.
 * "All agency representatives involved with the family will need to provide a report …
 * two weeks before the date of the review meeting": the agencies whose rapid review
 * returns said they were involved. Their leads are reminded, one to one, on working days
 * before the reports fall due and on the day. Pure functions of a case record.
 */
import type { CaseRecord } from './case.js';
import type { DecisionRecord } from './decision.js';
import type { Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Origin } from './owed.js';
import type { Partnership } from './partnership.js';
import { sendingInstant } from './reminders.js';
import type { WorkingCalendar } from './calendar.js';

type Plan = Pick<Partnership, 'reminders' | 'timezone'> & { calendar: WorkingCalendar };

/** The leads of the agencies that were involved, each with their agency. */
export function reportingLeads(record: CaseRecord): { agencyId: string; aadObjectId: string }[] {
  return (record.rapidReview?.requests ?? [])
    .filter((r) => r.current?.involved)
    .flatMap((r) => r.addressees.map((a) => ({ agencyId: r.agencyId, aadObjectId: a.aadObjectId.toLowerCase() })));
}

/** The reminders of the agencies' reports a reflective review's decision owes, from `today`. */
export function reportRemindersOwed(record: CaseRecord, decision: DecisionRecord, today: LocalDate, plan: Plan, origin: Origin): Owed[] {
  const due = decision.meeting?.reportsDue;
  if (!due) return [];
  const days = [...plan.reminders.beforeDueWorkingDays.map((n) => plan.calendar.addWorkingDays(due, -n)), due].filter((on) => on >= today);
  return reportingLeads(record).flatMap((lead) =>
    days.map((on) => ({
      key: `report:${decision.number}:${lead.agencyId}:${lead.aadObjectId}:${on}`,
      kind: 'reportReminder' as const,
      dueAt: sendingInstant(on, plan.reminders, plan.timezone),
      payload: {
        decision: String(decision.number),
        agencyId: lead.agencyId,
        aadObjectId: lead.aadObjectId,
        on,
        serviceUrl: origin.serviceUrl,
        ...(origin.tenantId && { tenantId: origin.tenantId }),
      },
    })),
  );
}
