/**
 * A case on hold (DOMAIN.md, "Clocks"): its clocks stop while it is held and resume,
 * when it is taken off hold, with the working days that were left. Pure functions of a
 * case record, so `updateCase` may run them again after a conflicting write.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import type { IntakeClocks } from './clocks.js';
import type { LocalDate } from './local-date.js';
import { workingDaysBetween } from './reminders.js';

export interface Hold {
  /** When it was put on hold (ISO 8601), and the partnership's date then. */
  since: string;
  sinceOn: LocalDate;
  /** When it comes off hold by itself; absent for "until further notice". */
  until?: LocalDate;
  /** Why: shown to the business unit only, never in a channel or a log. */
  reason: string;
  by: string;
}

/** Puts a case on hold; a case already on hold keeps its first hold. */
export function withHold(record: CaseRecord, hold: Hold): CaseRecord {
  return record.hold ? record : { ...record, hold };
}

/**
 * The clocks that are deadlines still to come: they move when a hold ends. The National
 * Panel's (notification, rapid review) are statutory and never move.
 */
const MOVING_CLOCKS = ['dhrDecisionDue', 'reviewDue'] as const satisfies readonly (keyof IntakeClocks)[];

/**
 * Takes a case off hold on `today`: every deadline not yet passed when it was put on
 * hold (the returns due date, and the intake clocks) moves on by the working days it was
 * held. Says how many. Taking off hold a case that is not held changes nothing.
 */
export function withoutHold(
  record: CaseRecord,
  today: LocalDate,
  calendar: WorkingCalendar,
): { record: CaseRecord; heldWorkingDays: number } {
  const hold = record.hold;
  if (!hold) return { record, heldWorkingDays: 0 };
  const n = workingDaysBetween(hold.sinceOn, today, calendar);
  const move = (d: LocalDate) => (d >= hold.sinceOn ? calendar.addWorkingDays(d, n) : d);
  const clocks: IntakeClocks = { ...record.clocks };
  for (const key of MOVING_CLOCKS) {
    const d = clocks[key];
    if (d) clocks[key] = move(d);
  }
  const review = record.rapidReview;
  const { hold: _ended, ...rest } = record;
  // The review's plan moves with its due date: each step not yet done.
  const plan = record.plan && { ...record.plan, steps: record.plan.steps.map((s) => (s.doneOn ? s : { ...s, dueOn: move(s.dueOn) })) };
  return {
    record: {
      ...rest,
      clocks,
      ...(review && { rapidReview: review.closed ? review : { ...review, dueOn: move(review.dueOn) } }),
      ...(plan && { plan }),
    },
    heldWorkingDays: n,
  };
}
