/**
 * Statutory duties of the business unit on a case (issue 16; DOMAIN.md "Clocks"): for a
 * serious child incident, notifying the National Panel within 5 working days of the
 * referring agency becoming aware, and sending it the rapid review within 15. Each is due
 * on its intake clock, which a hold never moves; the business unit is reminded in the
 * case's thread before it and on the day, and each working day once it is overdue, until
 * someone records it as done. Pure functions of a case record.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import type { IntakeClocks } from './clocks.js';
import { cancel, CASE_CARD, refreshCard, type Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Notice } from './decision.js';
import type { Partnership } from './partnership.js';
import { sendingInstant } from './reminders.js';

export const DUTY_KINDS = [
  'nationalPanelNotification',
  'rapidReviewResponse',
  'nationalPanelDecisionNotice',
  'ofstedNotice',
  'homeOfficeNotice',
  'publicationNotice',
] as const;
export type DutyKind = (typeof DUTY_KINDS)[number];

/** Each duty: the clock it is due on, its name, and whether it needs the returns collated first. */
export const DUTIES: Record<DutyKind, { clock: keyof IntakeClocks; name: string; needsCollation: boolean }> = {
  nationalPanelNotification: { clock: 'nationalPanelNotificationDue', name: 'National Panel notification', needsCollation: false },
  rapidReviewResponse: { clock: 'rapidReviewDue', name: 'Rapid review sent to the National Panel', needsCollation: true },
  nationalPanelDecisionNotice: {
    clock: 'nationalPanelDecisionNoticeDue',
    name: 'Decision notified to the National Panel',
    needsCollation: false,
  },
  ofstedNotice: { clock: 'ofstedNoticeDue', name: 'Decision notified to Ofsted', needsCollation: false },
  homeOfficeNotice: { clock: 'homeOfficeNoticeDue', name: 'Decision notified to the Home Office', needsCollation: false },
  publicationNotice: {
    clock: 'publicationNoticeDue',
    name: 'Report and notice to the National Panel, Ofsted and the Secretary of State',
    needsCollation: false,
  },
};

/** The duty each notice a decision names becomes. */
export const NOTICE_DUTIES: Record<Notice, DutyKind> = {
  nationalPanel: 'nationalPanelDecisionNotice',
  ofsted: 'ofstedNotice',
  homeOffice: 'homeOfficeNotice',
};

/**
 * A decision's notices as duties: each due some working days after the decision (the
 * partnership's `clocks.decisionNoticeWorkingDays`), with its reminders. A notice already
 * due from an earlier decision keeps its date.
 */
export function withDecisionNotices(
  record: CaseRecord,
  notices: readonly Notice[],
  today: LocalDate,
  plan: Plan & Pick<Partnership, 'clocks'>,
) {
  const due = plan.calendar.addWorkingDays(today, plan.clocks.decisionNoticeWorkingDays);
  const clocks = { ...record.clocks };
  for (const notice of notices) clocks[DUTIES[NOTICE_DUTIES[notice]].clock] ??= due;
  const next = { ...record, clocks };
  return { record: next, owed: dutyRemindersOwed(next, today, plan) };
}

/** Who recorded a duty as done, when, and the notification's own reference if it has one. */
export interface DutyDone {
  at: string;
  on: LocalDate;
  by: string;
  /** E.g. the National Panel's notification number: an identifier, never personal data. */
  reference?: string;
}

/** A duty on a case as the cards and `my tasks` show it. */
export interface DutyState {
  kind: DutyKind;
  dueOn: LocalDate;
  doneOn?: LocalDate;
}

/** The case's statutory duties, in the order they fall due. */
export function dutiesOf(record: Pick<CaseRecord, 'clocks' | 'duties'>): DutyState[] {
  return DUTY_KINDS.flatMap((kind) => {
    const dueOn = record.clocks[DUTIES[kind].clock];
    const done = record.duties?.[kind];
    return dueOn ? [{ kind, dueOn, ...(done && { doneOn: done.on }) }] : [];
  });
}

type Plan = Pick<Partnership, 'reminders' | 'timezone'> & { calendar: WorkingCalendar };

const reminderOn = (kind: DutyKind, on: LocalDate, when: 'before' | 'due' | 'overdue', plan: Plan): Owed => ({
  key: `duty:${kind}:${on}`,
  kind: 'dutyReminder',
  dueAt: sendingInstant(on, plan.reminders, plan.timezone),
  payload: { duty: kind, on, when },
});

/**
 * The reminders of each duty not yet done, from `today`: some working days before (the
 * partnership's `reminders.beforeDueWorkingDays`), on the day, and the first working day
 * overdue (each overdue reminder plans the next). Days already past are left out, but a
 * duty already overdue gets its overdue reminder today.
 */
export function dutyRemindersOwed(record: Pick<CaseRecord, 'clocks' | 'duties'>, today: LocalDate, plan: Plan): Owed[] {
  const { calendar } = plan;
  return dutiesOf(record)
    .filter((d) => !d.doneOn)
    .flatMap((d) => {
      const owed = [...plan.reminders.beforeDueWorkingDays]
        .map((n) => calendar.addWorkingDays(d.dueOn, -n))
        .filter((on) => on >= today)
        .map((on) => reminderOn(d.kind, on, 'before', plan));
      if (d.dueOn >= today) owed.push(reminderOn(d.kind, d.dueOn, 'due', plan));
      const overdue = calendar.addWorkingDays(d.dueOn, 1);
      owed.push(
        reminderOn(
          d.kind,
          overdue >= today ? overdue : calendar.isWorkingDay(today) ? today : calendar.addWorkingDays(today, 1),
          'overdue',
          plan,
        ),
      );
      return owed;
    });
}

/** After an overdue reminder: the next working day's. */
export const nextOverdueOwed = (kind: DutyKind, after: LocalDate, plan: Plan): Owed =>
  reminderOn(kind, plan.calendar.addWorkingDays(after, 1), 'overdue', plan);

/** The duty recorded as done: its reminders stop, and the case's card shows it. */
export function withDutyDone(record: CaseRecord, kind: DutyKind, done: DutyDone): CaseRecord {
  if (record.duties?.[kind]) return record;
  const recorded = { ...record, duties: { ...record.duties, [kind]: done } };
  const quiet = cancel(recorded, (e) => e.kind === 'dutyReminder' && e.payload?.duty === kind, 'recorded as done', done.at);
  return refreshCard(quiet, CASE_CARD, done.at);
}

/** Why a duty cannot be recorded as done now, if it cannot. */
export function dutyRefusal(record: CaseRecord, kind: DutyKind): string | undefined {
  if (!record.clocks[DUTIES[kind].clock]) return 'This case has no such statutory duty';
  if (record.duties?.[kind]) return 'This is recorded as done already';
  if (DUTIES[kind].needsCollation && !record.rapidReview?.closed) {
    return 'The rapid review can be recorded as sent once its returns are collated or closed';
  }
  return undefined;
}
