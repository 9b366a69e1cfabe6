import type { WorkingCalendar } from './calendar.js';
import { addMonths, type LocalDate } from './local-date.js';
import type { ClockSettings, PanelSchedule } from './partnership.js';
import { panelDateFor } from './panel-listing.js';
import { isSeriousChildIncident, type Referral } from './referral.js';

/** The dates Panel can give the moment a referral arrives. Absent ones do not apply. */
export interface IntakeClocks {
  /** Serious child incidents: notification to the National Panel. */
  nationalPanelNotificationDue?: LocalDate;
  /** Serious child incidents: the rapid review sent to the National Panel. */
  rapidReviewDue?: LocalDate;
  /** The panel the case is listed for, if the schedule has one. */
  panelDate?: LocalDate;
  /** DHRs: the decision whether to hold a review. */
  dhrDecisionDue?: LocalDate;
  /** Once the panel decides on a review: when it is due (1, 3 or 6 months). */
  reviewDue?: LocalDate;
  /** A reflective review: its meeting, and the agencies' reports before it. */
  meetingOn?: LocalDate;
  reportsDue?: LocalDate;
  /** A decision that names them: telling the National Panel, Ofsted or the Home Office of it. */
  nationalPanelDecisionNoticeDue?: LocalDate;
  ofstedNoticeDue?: LocalDate;
  homeOfficeNoticeDue?: LocalDate;
  /** Before publication: the report and its notice to the National Panel, Ofsted and the Secretary of State. */
  publicationNoticeDue?: LocalDate;
}

export interface ClockRules {
  calendar: WorkingCalendar;
  settings: ClockSettings;
  panel: PanelSchedule;
}

/**
 * Working-day clocks at intake. The National Panel clocks (serious child incidents
 * only) run from the date the referring agency became aware; the panel listing assumes the business unit sends requests
 * the day the referral arrives; a DHR's month runs from the referral (the
 * notification), and a month that ends on a non-working day is due the working day
 * before, so the deadline is never missed.
 */
export function intakeClocks(
  referral: Pick<Referral, 'kind' | 'subject' | 'incident'>,
  receivedOn: LocalDate,
  rules: ClockRules,
): IntakeClocks {
  const { calendar, settings } = rules;
  const clocks: IntakeClocks = {};
  if (isSeriousChildIncident(referral)) {
    clocks.nationalPanelNotificationDue = calendar.addWorkingDays(
      referral.incident.awareDate,
      settings.nationalPanelNotificationWorkingDays,
    );
    clocks.rapidReviewDue = calendar.addWorkingDays(referral.incident.awareDate, settings.rapidReviewWorkingDays);
  }
  const panelDate = panelDateFor(rules.panel, receivedOn, settings.panelMinDaysAfterRequests, calendar);
  if (panelDate) clocks.panelDate = panelDate;
  if (referral.kind === 'dhr') {
    clocks.dhrDecisionDue = calendar.onOrBefore(addMonths(receivedOn, settings.dhrDecisionMonths));
  }
  return clocks;
}
