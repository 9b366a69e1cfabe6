/**
 * Agency reports for a review (issue 17; The Children's Society §3, the management
 * review): once a review is under way, the business unit asks each agency involved for
 * its report or chronology, one to one to its leads, with a due date and reminders, as
 * the rapid review's requests are (the same addressees, deliveries and undeliverable
 * notices). A report carries its own fields, and the director's sign-off of the report
 * and its action plan before it is returned. When every agency has reported, the plan's
 * "agency reports" step is done. Pure functions of a case record.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { cardFormShape } from './card-form.js';
import { cancel, CASE_CARD, refreshCard, type Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Origin } from './owed.js';
import type { Partnership } from './partnership.js';
import { withStepDone } from './plan.js';
import { leadsOf, type Delivery } from './rapid-review.js';
import { sendingInstant } from './reminders.js';

/** The Children's Society's management review: what each agency's report sets out. */
export const REPORT_FIELDS = ['chronology', 'decisions', 'services', 'recommendations', 'director', 'signedOff'] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];
export type ReportForm = Record<ReportField, string>;
export type ReportErrors = Partial<Record<ReportField, string>>;

export const REPORT_LIMITS: Record<ReportField, number> = {
  chronology: 4000,
  decisions: 3000,
  services: 3000,
  recommendations: 3000,
  director: 120,
  signedOff: 5,
};

/** A report as returned, kept beside the case (it is long, and personal). */
export interface StoredReport {
  agencyId: string;
  chronology: string;
  decisions: string;
  services: string;
  recommendations: string;
  /** The agency's director who signed off the report and its action plan. */
  director: string;
  submissionId: string;
  by: string;
  at: string;
}

export interface ReportRequest {
  agencyId: string;
  /** The agency's leads when the request went out, by Entra object id. */
  addressees: string[];
  /** Whether Panel's request reached each addressee, by lower-case Entra object id. */
  deliveries: Record<string, Delivery>;
  /** The report returned: its item beside the case, who returned it and when. */
  current?: { itemId: string; by: string; at: string };
}

export interface AgencyReports {
  requestedAt: string;
  requestedBy: string;
  dueOn: LocalDate;
  requests: ReportRequest[];
}

type Plan = Pick<Partnership, 'reminders' | 'timezone'> & { calendar: WorkingCalendar };

/** The agencies Panel proposes to ask: those whose rapid review return said they were involved, else the core agencies. */
export function proposedAgencies(record: CaseRecord, partnership: Pick<Partnership, 'agencies'>): string[] {
  const involved = (record.rapidReview?.requests ?? []).filter((r) => r.current?.involved).map((r) => r.agencyId);
  return involved.length > 0 ? involved : partnership.agencies.filter((a) => a.core).map((a) => a.id);
}

/** The date Panel proposes: the plan's "agency reports" step, if it has one. */
export const proposedReportsDue = (record: CaseRecord): LocalDate | undefined =>
  record.plan?.steps.find((s) => s.kind === 'agencyReports')?.dueOn;

export const reportRequestKey = (agencyId: string, aadObjectId: string) => `report-request:${agencyId}:${aadObjectId.toLowerCase()}`;

/** The reports requested: one request per agency, to its leads, each owed as a one-to-one send. */
export function withReportsRequested(
  record: CaseRecord,
  ask: { agencies: string[]; dueOn: LocalDate; by: string; at: string },
  partnership: Pick<Partnership, 'people'>,
  origin: Origin,
): { record: CaseRecord; owed: Owed[] } {
  const requests = ask.agencies.map((agencyId) => ({ agencyId, addressees: leadsOf(partnership, agencyId), deliveries: {} }));
  const owed: Owed[] = requests.flatMap((r) =>
    r.addressees.map((aadObjectId) => ({
      key: reportRequestKey(r.agencyId, aadObjectId),
      kind: 'reportRequest' as const,
      dueAt: ask.at,
      payload: {
        agencyId: r.agencyId,
        aadObjectId,
        serviceUrl: origin.serviceUrl,
        ...(origin.tenantId && { tenantId: origin.tenantId }),
      },
    })),
  );
  const reports: AgencyReports = { requestedAt: ask.at, requestedBy: ask.by, dueOn: ask.dueOn, requests };
  return { record: refreshCard({ ...record, reports }, CASE_CARD, ask.at), owed };
}

export const reportRequestFor = (record: CaseRecord, agencyId: string): ReportRequest | undefined =>
  record.reports?.requests.find((r) => r.agencyId === agencyId);

const withReportRequest = (record: CaseRecord, agencyId: string, change: (r: ReportRequest) => ReportRequest): CaseRecord =>
  record.reports
    ? { ...record, reports: { ...record.reports, requests: record.reports.requests.map((r) => (r.agencyId === agencyId ? change(r) : r)) } }
    : record;

/** Records whether a report's request reached one addressee. */
export const withReportDelivery = (record: CaseRecord, agencyId: string, aadObjectId: string, delivery: Delivery): CaseRecord =>
  withReportRequest(record, agencyId, (r) => ({ ...r, deliveries: { ...r.deliveries, [aadObjectId.toLowerCase()]: delivery } }));

/** The reminders of a delivered request, one to one to its addressee: some working days before the due date, and on it. */
export function reportRemindersOwed(
  record: CaseRecord,
  target: { agencyId: string; aadObjectId: string } & Origin,
  today: LocalDate,
  plan: Plan,
): Owed[] {
  const dueOn = record.reports?.dueOn;
  if (!dueOn || reportRequestFor(record, target.agencyId)?.current) return [];
  return [...plan.reminders.beforeDueWorkingDays.map((n) => plan.calendar.addWorkingDays(dueOn, -n)), dueOn]
    .filter((on) => on >= today)
    .map((on) => ({
      key: `report-reminder:${target.agencyId}:${target.aadObjectId.toLowerCase()}:${on}`,
      kind: 'reportReminder' as const,
      dueAt: sendingInstant(on, plan.reminders, plan.timezone),
      payload: {
        round: 'reports',
        agencyId: target.agencyId,
        aadObjectId: target.aadObjectId,
        on,
        serviceUrl: target.serviceUrl,
        ...(target.tenantId && { tenantId: target.tenantId }),
      },
    }));
}

/**
 * An agency's report returned: its reminders stop; when every agency has reported, the
 * plan's "agency reports" step is done. The same report again changes nothing.
 */
export function withReport(
  record: CaseRecord,
  report: { agencyId: string; itemId: string; by: string; at: string; on: LocalDate },
): CaseRecord {
  if (reportRequestFor(record, report.agencyId)?.current?.itemId === report.itemId) return record;
  const { agencyId, itemId, by, at } = report;
  const returned = withReportRequest(record, agencyId, (r) => ({ ...r, current: { itemId, by, at } }));
  const quiet = cancel(
    returned,
    (e) =>
      ((e.kind === 'reportReminder' && e.payload?.round === 'reports') || e.kind === 'reportRequest') && e.payload?.agencyId === agencyId,
    'the report has come',
    at,
  );
  const all = quiet.reports?.requests.every((r) => r.current) ?? false;
  return refreshCard(all ? withStepDone(quiet, 'agencyReports', { on: report.on, by: 'panel', at }) : quiet, CASE_CARD, at);
}

/** Only a lead of a requested agency answers for it, while the review is open. */
export function reportRefusal(
  record: CaseRecord,
  agencyId: string,
  caller: string,
  directory: { find(id: string): { roles: readonly string[]; agency?: string } | undefined },
): 'notRequested' | 'notEntitled' | 'closed' | undefined {
  if (!reportRequestFor(record, agencyId)) return 'notRequested';
  const person = directory.find(caller);
  if (person?.agency !== agencyId || !person.roles.includes('lead')) return 'notEntitled';
  return record.closedAt ? 'closed' : undefined;
}

const formShape = cardFormShape(REPORT_FIELDS);

/** Checks a report as typed: every section answered, within its length, and the director's sign-off given. */
export function validateReport(
  data: Record<string, unknown>,
  agencyId: string,
): { ok: true; value: Omit<StoredReport, 'submissionId' | 'by' | 'at'> } | { ok: false; form: Partial<ReportForm>; errors: ReportErrors } {
  const parsed = formShape.safeParse(data);
  const errors: ReportErrors = {};
  const form = parsed.success
    ? parsed.data
    : (Object.fromEntries(REPORT_FIELDS.map((f) => [f, typeof data[f] === 'string' ? (data[f] as string).trim() : ''])) as ReportForm);
  if (!parsed.success) for (const issue of parsed.error.issues) errors[issue.path[0] as ReportField] ??= issue.message;
  for (const f of REPORT_FIELDS) {
    if (form[f].length > REPORT_LIMITS[f]) errors[f] ??= `Keep this to ${REPORT_LIMITS[f]} characters or fewer (now ${form[f].length})`;
  }
  const required: Record<Exclude<ReportField, 'signedOff'>, string> = {
    chronology: 'Give the chronology of your agency’s involvement',
    decisions: 'Assess the key decisions your agency made',
    services: 'Say what services your agency provided',
    recommendations: 'Give your recommendations, with your action plan',
    director: 'Name the director who signed it off',
  };
  for (const [f, message] of Object.entries(required) as [ReportField, string][]) if (form[f] === '') errors[f] ??= message;
  if (form.signedOff !== 'true') errors.signedOff ??= 'The director signs off the report and its action plan before it is returned';
  if (Object.keys(errors).length > 0) return { ok: false, form, errors };
  const { signedOff: _, ...rest } = form;
  return { ok: true, value: { agencyId, ...rest } };
}

/** A stored report as the form shows it again, to amend. */
export const reportAsForm = (report: StoredReport): Partial<ReportForm> => ({
  chronology: report.chronology,
  decisions: report.decisions,
  services: report.services,
  recommendations: report.recommendations,
  director: report.director,
  signedOff: 'true',
});
