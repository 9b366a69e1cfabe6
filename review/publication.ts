/**
 * Publication (issue 17; Suffolk §7 and Appendix 3): the business unit sets the date; the
 * report and its notice to the National Panel, Ofsted and the Secretary of State fall
 * due 7 working days before it, a statutory duty like the National Panel's (reminded,
 * recorded as done); the pre-publication checklist is ticked item by item. Pure functions
 * of a case record.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { dutyRemindersOwed } from './duties.js';
import { cancel, CASE_CARD, refreshCard, type Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Partnership } from './partnership.js';

/** Suffolk: the notice "no later than seven working days before the date of publication". */
export const PUBLICATION_NOTICE_WORKING_DAYS = 7;

/** Suffolk Appendix 3's pre-publication checklist. */
export const PUBLICATION_CHECKS = [
  'proofread',
  'communications',
  'qualityAssured',
  'chairBriefed',
  'embargo',
  'familyTold',
  'professionalsTold',
  'repository',
  'website',
  'boardNotified',
] as const;
export type PublicationCheck = (typeof PUBLICATION_CHECKS)[number];

export const CHECK_NAMES: Record<PublicationCheck, string> = {
  proofread: 'Proofread',
  communications: 'Communications and press handling agreed',
  qualityAssured: 'Quality assured',
  chairBriefed: "The chair's briefing done",
  embargo: 'Embargo agreed',
  familyTold: 'The family told, and sent the report',
  professionalsTold: 'Professionals told the publication date',
  repository: 'Sent to the National Panel, SCIE and the NSPCC repository',
  website: 'Ready for the website',
  boardNotified: 'The board and lead members notified',
};

export interface Publication {
  on: LocalDate;
  setBy: string;
  setAt: string;
  checks: PublicationCheck[];
  /** Once published: where, and the date it must stay online until (Suffolk: a year). */
  link?: string;
  onlineUntil?: LocalDate;
}

/** Suffolk: a decision not to publish is told to the National Panel and the Secretary of State. */
export const TOLD_NOT_PUBLISHING = ['nationalPanel', 'secretaryOfState'] as const;
export type ToldNotPublishing = (typeof TOLD_NOT_PUBLISHING)[number];
export const TOLD_NAMES: Record<ToldNotPublishing, string> = {
  nationalPanel: 'The National Panel',
  secretaryOfState: 'The Secretary of State',
};

/** A decision not to publish: its reasons, and who was told. */
export interface NotPublished {
  reasons: string;
  told: ToldNotPublishing[];
  by: string;
  at: string;
}

/** The review will not be published: no publication date, so no notice falls due and its reminders stop. */
export function withNotPublished(record: CaseRecord, decision: NotPublished): CaseRecord {
  const { publicationNoticeDue: _, ...clocks } = record.clocks;
  const { publication: _p, ...rest } = record;
  const quiet = cancel(
    { ...rest, clocks, notPublished: decision },
    (e) => e.kind === 'dutyReminder' && e.payload?.duty === 'publicationNotice',
    'not to be published',
    decision.at,
  );
  return refreshCard(quiet, CASE_CARD, decision.at);
}

type Plan = Pick<Partnership, 'reminders' | 'timezone'> & { calendar: WorkingCalendar };

/** The earliest date a review can be published from `today`: the notice needs its 7 working days. */
export const earliestPublication = (today: LocalDate, calendar: WorkingCalendar): LocalDate =>
  calendar.addWorkingDays(today, PUBLICATION_NOTICE_WORKING_DAYS);

/**
 * The publication set (or moved, or its checklist ticked): the notice's due date follows
 * it, with its reminders (a move stops the old ones). Returns what to owe.
 */
export function withPublication(
  record: CaseRecord,
  publication: Publication,
  today: LocalDate,
  plan: Plan,
): { record: CaseRecord; owed: Owed[] } {
  const noticeDue = plan.calendar.addWorkingDays(publication.on, -PUBLICATION_NOTICE_WORKING_DAYS);
  const moved = record.clocks.publicationNoticeDue !== undefined && record.clocks.publicationNoticeDue !== noticeDue;
  let next: CaseRecord = { ...record, publication, clocks: { ...record.clocks, publicationNoticeDue: noticeDue } };
  if (moved) next = cancel(next, (e) => e.kind === 'dutyReminder' && e.payload?.duty === 'publicationNotice', 'moved', publication.setAt);
  const owed = dutyRemindersOwed(next, today, plan).filter((o) => o.payload?.duty === 'publicationNotice');
  return { record: refreshCard(next, CASE_CARD, publication.setAt), owed };
}
