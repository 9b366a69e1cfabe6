/**
 * When Panel chases a rapid review request (DOMAIN.md, "Clocks"): the partnership's
 * reminder plan turned into days and instants. Pure: the calendar, the plan and the
 * timezone come in, nothing is read from a clock.
 *
 * A request has one next reminder at a time. When it is sent, the one after it is
 * planned from the day it went, so a request never has more than one reminder waiting,
 * and a reminder missed while Panel was down is sent once, late, not once per missed
 * day.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from './calendar.js';
import { localDateOf, type LocalDate } from './local-date.js';
import type { ReminderPlan } from './partnership.js';

export type ReminderKind = 'beforeDue' | 'due' | 'overdue' | 'escalation';

/** One reminder of a request, by the working day it falls on. */
export interface PlannedReminder {
  kind: ReminderKind;
  on: LocalDate;
  /** For 'beforeDue': how many working days before the due date. */
  workingDaysBefore?: number;
  /** For 'overdue' and 'escalation': how many working days overdue. */
  workingDaysOverdue?: number;
}

/**
 * The next reminder to an addressee of a request due on `dueOn`, sent on `sentOn`,
 * strictly after `after` (the day of the last reminder, or the day the request went
 * out). Before-due reminders fall on working days before the due date; the due-day
 * reminder the morning it is due; then each working day overdue, without end until the
 * return arrives (or the plan says none).
 */
export function nextReminder(
  dueOn: LocalDate,
  after: LocalDate,
  plan: Pick<ReminderPlan, 'beforeDueWorkingDays' | 'onDueDay' | 'overdueEveryWorkingDay'>,
  calendar: WorkingCalendar,
): PlannedReminder | undefined {
  const before = [...new Set(plan.beforeDueWorkingDays)]
    .sort((a, b) => b - a)
    .map((n): PlannedReminder => ({ kind: 'beforeDue', on: calendar.addWorkingDays(dueOn, -n), workingDaysBefore: n }));
  const due: PlannedReminder[] = plan.onDueDay ? [{ kind: 'due', on: dueOn }] : [];
  const upcoming = [...before, ...due].find((r) => r.on > after);
  if (upcoming) return upcoming;
  if (!plan.overdueEveryWorkingDay) return undefined;
  // The first working day after both the due date and `after`.
  const from = after > dueOn ? after : dueOn;
  const on = calendar.addWorkingDays(from, 1);
  return { kind: 'overdue', on, workingDaysOverdue: workingDaysBetween(dueOn, on, calendar) };
}

/** The escalation to the business unit: on the given working day overdue. */
export function escalationDay(
  dueOn: LocalDate,
  plan: Pick<ReminderPlan, 'escalateAfterOverdueWorkingDays'>,
  calendar: WorkingCalendar,
): PlannedReminder {
  const n = plan.escalateAfterOverdueWorkingDays;
  return { kind: 'escalation', on: calendar.addWorkingDays(dueOn, n), workingDaysOverdue: n };
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: LocalDate, to: LocalDate, calendar: WorkingCalendar): number {
  let n = 0;
  for (let d = from; d < to; n++) d = calendar.addWorkingDays(d, 1);
  return n;
}

/** The instant working hours start on a day, in the partnership's timezone (ISO 8601, UTC). */
export function sendingInstant(on: LocalDate, plan: Pick<ReminderPlan, 'workingHours'>, timeZone: string): string {
  return DateTime.fromISO(`${on}T${plan.workingHours.start}`, { zone: timeZone }).toUTC().toISO()!;
}

/**
 * Whether Panel may send reminders at `now`: a working day, within working hours, in the
 * partnership's timezone. Never at weekends or on bank holidays.
 */
export function mayRemindAt(now: Date, plan: Pick<ReminderPlan, 'workingHours'>, timeZone: string, calendar: WorkingCalendar): boolean {
  if (!calendar.isWorkingDay(localDateOf(now, timeZone))) return false;
  const time = DateTime.fromJSDate(now, { zone: timeZone }).toFormat('HH:mm');
  return time >= plan.workingHours.start && time < plan.workingHours.end;
}

/**
 * The reminder to send `today`, if any: the latest one planned after `after` and on or
 * before today. When Panel was down over several of them, only the latest goes, once,
 * marked late; the ones it stands for are not sent at all.
 */
export function reminderDueToday(
  dueOn: LocalDate,
  after: LocalDate,
  today: LocalDate,
  plan: Pick<ReminderPlan, 'beforeDueWorkingDays' | 'onDueDay' | 'overdueEveryWorkingDay'>,
  calendar: WorkingCalendar,
): (PlannedReminder & { late: boolean }) | undefined {
  let latest: PlannedReminder | undefined;
  for (let next = nextReminder(dueOn, after, plan, calendar); next && next.on <= today;) {
    latest = next;
    next = nextReminder(dueOn, next.on, plan, calendar);
  }
  return latest && { ...latest, late: latest.on < today };
}
