import { STEPS } from '../review/plan.js';
import { outcomeName } from '../review/decision.js';
import { STAGE_NAMES, type AnonymousCase } from '../review/case.js';
import type { IntakeClocks } from '../review/clocks.js';
import { DUTIES, type DutyState } from '../review/duties.js';
import type { WorkingCalendar } from '../review/calendar.js';
import { formatLongDate, type LocalDate } from '../review/local-date.js';
import { workingDaysBetween } from '../review/reminders.js';
import { KIND_NAMES, type ParallelProcess, type Referral } from '../review/referral.js';

export interface Fact {
  title: string;
  value: string;
}

export const HARM_NAMES: Record<Referral['incident']['harm'], string> = {
  died: 'Died',
  seriouslyHarmed: 'Seriously harmed',
  significantHarm: 'Significant harm',
};
export const ABUSE_NAMES: Record<Referral['incident']['abuseOrNeglect'], string> = {
  known: 'Known',
  suspected: 'Suspected',
  notSuspected: 'Not suspected',
};
export const AGE_GROUP_NAMES: Record<Referral['subject']['ageGroup'], string> = {
  baby: 'Baby (under 2)',
  youngPerson: 'Child or young person (2-17)',
  adult: 'Adult (18 or over)',
};
export const PROCESS_NAMES: Record<ParallelProcess, string> = {
  criminalInvestigation: 'Criminal investigation',
  inquest: 'Inquest',
  section42: 'Section 42 enquiry',
  complaint: 'Complaint',
  leder: 'Learning disability mortality review (LeDeR)',
  other: 'Other',
};
export const YES_NO_NOT_KNOWN_NAMES = { yes: 'Yes', no: 'No', notKnown: 'Not known' } as const;

const CLOCK_TITLES: Record<keyof IntakeClocks, string> = {
  nationalPanelNotificationDue: 'National Panel notification due',
  rapidReviewDue: 'Rapid review due',
  panelDate: 'Listed for panel',
  dhrDecisionDue: 'DHR decision due',
  reviewDue: 'Review due',
  meetingOn: 'Reflective review meeting',
  reportsDue: "Agencies' reports due",
  nationalPanelDecisionNoticeDue: 'Decision to the National Panel due',
  ofstedNoticeDue: 'Decision to Ofsted due',
  homeOfficeNoticeDue: 'Decision to the Home Office due',
  publicationNoticeDue: 'Report to the National Panel, Ofsted and the Secretary of State due',
};
const CLOCK_ORDER: (keyof IntakeClocks)[] = [
  'nationalPanelNotificationDue',
  'rapidReviewDue',
  'dhrDecisionDue',
  'panelDate',
  'reviewDue',
  'reportsDue',
  'meetingOn',
  'nationalPanelDecisionNoticeDue',
  'ofstedNoticeDue',
  'homeOfficeNoticeDue',
  'publicationNoticeDue',
];

export const date = (d: LocalDate) => formatLongDate(d);
/** "Fri 12 Dec": a date this year or next, where the year goes without saying. */
export const shortDate = (d: LocalDate) => formatLongDate(d).slice(0, -5);

/** "due Fri 11 Dec 2026", "due today", "2 working days overdue (due Fri 11 Dec 2026)", as of `today`. */
export function dueWords(dueOn: LocalDate, today: LocalDate, calendar: WorkingCalendar): string {
  if (today < dueOn) return `due ${date(dueOn)}`;
  if (today === dueOn) return 'due today';
  const n = workingDaysBetween(dueOn, today, calendar);
  return `${n} working day${n === 1 ? '' : 's'} overdue (due ${date(dueOn)})`;
}

/**
 * The key dates of a case, in the order they fall due. A statutory duty's date says
 * whether it is done, or, with `today`, overdue (a hold never stops its clock).
 */
export function clockFacts(clocks: IntakeClocks, duties: readonly DutyState[] = [], today?: LocalDate): Fact[] {
  const facts = CLOCK_ORDER.flatMap((k) => {
    const d = clocks[k];
    if (!d) return [];
    const duty = duties.find((s) => DUTIES[s.kind].clock === k);
    const state = duty?.doneOn ? `, done ${date(duty.doneOn)}` : duty && today && today > d ? ', overdue: not recorded as done' : '';
    return [{ title: CLOCK_TITLES[k], value: `${date(d)}${state}` }];
  });
  if (!clocks.panelDate) facts.push({ title: CLOCK_TITLES.panelDate, value: 'No panel date set yet' });
  return facts;
}

/** What anyone entitled to see the case may see: nothing personal. `today` shows a statutory duty overdue. */
export function anonymousFacts(record: AnonymousCase, today?: LocalDate): Fact[] {
  return [
    { title: 'Reference', value: record.reference },
    { title: 'Person', value: record.descriptor },
    { title: 'Kind', value: KIND_NAMES[record.kind] },
    { title: 'Stage', value: STAGE_NAMES[record.stage] },
    ...(record.decision ? [{ title: 'Decision', value: outcomeName(record.kind, record.decision.outcome) }] : []),
    ...(record.onHold
      ? [{ title: 'On hold', value: record.onHold.until ? `until ${date(record.onHold.until)}` : 'until further notice' }]
      : []),
    ...(record.openConcerns.length
      ? [{ title: 'Safety concern', value: `${record.openConcerns.length} reported, not yet acknowledged by the business unit` }]
      : []),
    { title: 'Received', value: date(record.receivedOn) },
    ...clockFacts(record.clocks, record.duties, today),
    ...planFacts(record.plan),
  ];
}

/** "Review plan: 2 of 10 steps done; next: Terms of reference agreed, Fri 15 Jan 2027". */
function planFacts(plan: AnonymousCase['plan']): Fact[] {
  if (!plan?.length) return [];
  const done = plan.filter((s) => s.doneOn).length;
  const next = plan.filter((s) => !s.doneOn).sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0))[0];
  const then = next ? `; next: ${STEPS[next.kind].name}, ${date(next.dueOn)}` : '; every step done';
  return [{ title: 'Review plan', value: `${done} of ${plan.length} steps done${then}` }];
}
