/**
 * Agency reports (see agency-reports.ts): the business unit requests them; each agency's
 * lead returns theirs, one to one, or keeps a draft. Each action checks the caller's
 * standing from their identity, is audited, and has one effect however often it is
 * delivered.
 */
import {
  proposedAgencies,
  REPORT_FIELDS,
  REPORT_LIMITS,
  reportRefusal,
  reportRequestFor,
  validateReport,
  withReport,
  withReportsRequested,
  type ReportErrors,
  type ReportForm,
  type StoredReport,
} from './agency-reports.js';
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import { recordAudit, todayFor, type Caller, type ReviewDeps } from './deps.js';
import { owe } from './effects.js';
import { parseLocalDate } from './local-date.js';
import type { Origin } from './owed.js';
import { StoreBusyError } from './store.js';
import { businessUnitReview } from './review-access.js';
import { updateCase } from './update-case.js';

export interface RequestReportsForm {
  reportAgencies: string;
  reportsDue: string;
}
export type RequestReportsErrors = Partial<Record<keyof RequestReportsForm, string>>;

export type RequestReportsResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'noReview'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; form: RequestReportsForm; errors: RequestReportsErrors }
  | { status: 'requested' | 'alreadyRequested'; record: CaseRecord };

/** The business unit asks the agencies for their reports, by a working day from tomorrow on. */
export async function requestReports(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown>; origin: Origin },
): Promise<RequestReportsResult> {
  const actor = input.caller.aadObjectId;
  const access = await businessUnitReview(deps, input.caller, input.reference, 'reports.refused');
  if (access.status !== 'ok') return access;
  const { read } = access;
  const current = read.value;
  if (current.reports) return { status: 'alreadyRequested', record: current };
  const { form, errors } = readCardForm(['reportAgencies', 'reportsDue'], input.data);
  const known = new Set(deps.partnership.agencies.map((a) => a.id));
  const agencies =
    form.reportAgencies === '' ? proposedAgencies(current, deps.partnership) : form.reportAgencies.split(',').map((a) => a.trim());
  if (agencies.length === 0 || agencies.some((a) => !known.has(a))) errors.reportAgencies ??= 'Choose the agencies to ask';
  const today = todayFor(deps);
  const dueOn = parseLocalDate(form.reportsDue);
  if (!dueOn) errors.reportsDue ??= form.reportsDue === '' ? 'Give the date the reports are due' : 'Enter a real date';
  else if (dueOn <= today) errors.reportsDue ??= 'Choose a date after today: agencies need time to write them';
  else if (!deps.calendar.isWorkingDay(dueOn)) errors.reportsDue ??= 'That is not a working day; choose a working day';
  if (Object.keys(errors).length > 0 || !dueOn) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  let requested = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      if (r.reports) return r;
      requested = true;
      const next = withReportsRequested(r, { agencies, dueOn, by: actor, at }, deps.partnership, input.origin);
      return {
        record: owe(next.record, ...next.owed),
        audit: [{ caseId: r.reference, at, actor, action: 'reports.requested', detail: `agencies=${agencies.join(',')} due=${dueOn}` }],
      };
    },
    { known: read },
  );
  return { status: requested ? 'requested' : 'alreadyRequested', record };
}

export type ReportRefused = { status: 'refused'; reason: 'notRequested' | 'notEntitled' | 'closed' } | { status: 'notFound' };

async function entitledToReport(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string },
): Promise<ReportRefused | { status: 'ok'; record: CaseRecord }> {
  const record = await deps.store.getCase(input.reference);
  if (!record) return { status: 'notFound' };
  const reason = reportRefusal(record, input.agencyId, input.caller.aadObjectId, deps.directory);
  if (!reason) return { status: 'ok', record };
  if (reason !== 'closed')
    await recordAudit(deps, record.reference, input.caller.aadObjectId, 'report.refused', `agency=${input.agencyId}`);
  return { status: 'refused', reason };
}

const draftId = (agencyId: string) => `report-draft:${agencyId}`;

export type ReportResult =
  | ReportRefused
  | { status: 'invalid'; record: CaseRecord; form: Partial<ReportForm>; errors: ReportErrors }
  | { status: 'saved'; record: CaseRecord; form: Partial<ReportForm> }
  | { status: 'recorded'; record: CaseRecord; amended: boolean };

/** Keeps what a lead has typed so far: one draft per agency, the last save kept. */
export async function saveReportDraft(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string; data: Record<string, unknown> },
): Promise<ReportResult> {
  const standing = await entitledToReport(deps, input);
  if (standing.status !== 'ok') return standing;
  const { form, errors } = readCardForm(REPORT_FIELDS, input.data);
  for (const f of REPORT_FIELDS) {
    if (form[f].length > REPORT_LIMITS[f]) errors[f] ??= `Keep this to ${REPORT_LIMITS[f]} characters or fewer (now ${form[f].length})`;
  }
  if (Object.keys(errors).length > 0) return { status: 'invalid', record: standing.record, form, errors };
  const at = deps.now().toISOString();
  await deps.store.putCaseItem({
    caseId: input.reference,
    id: draftId(input.agencyId),
    type: 'draft',
    at,
    doc: { by: input.caller.aadObjectId, form },
  });
  await recordAudit(deps, input.reference, input.caller.aadObjectId, 'report.draftSaved', `agency=${input.agencyId}`);
  return { status: 'saved', record: standing.record, form };
}

/**
 * Records an agency's report. Every version is kept beside the case; the latest is
 * current. The same submission delivered twice is one report.
 */
export async function submitReport(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string; submissionId: string; data: Record<string, unknown> },
): Promise<ReportResult> {
  const standing = await entitledToReport(deps, input);
  if (standing.status !== 'ok') return standing;
  const checked = validateReport(input.data, input.agencyId);
  if (!checked.ok) return { status: 'invalid', record: standing.record, form: checked.form, errors: checked.errors };
  const at = deps.now().toISOString();
  const id = `report:${input.agencyId}:${input.submissionId}`;
  const stored: StoredReport = { ...checked.value, submissionId: input.submissionId, by: input.caller.aadObjectId, at };
  const added = await deps.store.addCaseItemOnce({ caseId: input.reference, id, type: 'report', at, doc: stored });
  const kept = added ? stored : ((await deps.store.getCaseItem<StoredReport>(input.reference, id))?.doc ?? stored);
  let amended = false;
  const record = await updateCase(deps.store, input.reference, (r) => {
    const current = reportRequestFor(r, input.agencyId)?.current;
    if (current?.itemId === id) return r;
    amended = current !== undefined;
    return {
      record: withReport(r, { agencyId: input.agencyId, itemId: id, by: kept.by, at: kept.at, on: todayFor(deps) }),
      audit: [
        {
          caseId: r.reference,
          at,
          actor: input.caller.aadObjectId,
          action: amended ? 'report.amended' : 'report.submitted',
          detail: `agency=${input.agencyId}`,
        },
      ],
    };
  });
  // The draft goes: best effort, as the report is stored whatever happens next.
  await deps.store.deleteCaseItem(input.reference, draftId(input.agencyId)).catch((err: unknown) => {
    if (!(err instanceof StoreBusyError)) throw err;
  });
  return { status: 'recorded', record, amended };
}
