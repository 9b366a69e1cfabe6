import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { reportFormCard, reportsCard } from '../../cards/report-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { requestReports, saveReportDraft, submitReport, type ReportRefused } from '../../review/agency-report-actions.js';
import { type ReportErrors, type ReportForm, type StoredReport } from '../../review/agency-reports.js';
import { parseReference, type CaseRecord } from '../../review/case.js';
import { recordAudit } from '../../review/deps.js';
import { runAfterTurn } from '../after-turn.js';
import { callerOf, NO_IDENTITY, originOf } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { planAnswer, planCardFor } from './plan.js';
import { businessUnitCase } from './rapid-review.js';

/** Which case, agency and submission a report card is about; never who may answer. */
const reportEnvelope = z.object({
  reference: z.string().transform((s, ctx) => parseReference(s) ?? (ctx.addIssue({ code: 'custom', message: 'not a reference' }), '')),
  agencyId: z.string().regex(/^[a-z][a-z0-9-]*$/),
  submissionId: z.string().uuid(),
});

export const NOT_ENTITLED_TO_REPORT = "Only the agency's safeguarding leads can send its report. Nothing was changed.";
const CLOSED = 'The review is closed: nothing was changed. Contact the business unit if something is missing.';

const refusal = (result: ReportRefused) => (result.status === 'refused' && result.reason === 'closed' ? CLOSED : NOT_ENTITLED_TO_REPORT);

const agencyName = (deps: PanelDeps, id: string) => deps.review.partnership.agencies.find((a) => a.id === id)?.name ?? id;

/** The report form for one agency's lead, as typed or as stored. */
export function reportFormFor(
  deps: PanelDeps,
  record: CaseRecord,
  agencyId: string,
  parts: { submissionId?: string; values?: Partial<ReportForm>; errors?: ReportErrors; notice?: string } = {},
): AdaptiveCardJson {
  return reportFormCard({
    reference: record.reference,
    descriptor: record.descriptor,
    agencyId,
    agencyName: agencyName(deps, agencyId),
    dueOn: record.reports?.dueOn ?? record.receivedOn,
    submissionId: parts.submissionId ?? deps.newId(),
    ...parts,
  });
}

/** `reports.request`: the business unit asks the agencies for their reports; each lead gets the request one to one. */
export async function requestReportsNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await requestReports(deps.review, { ...action, data, origin: originOf(context) });
  const said = {
    requested: "The agencies' leads are asked for their reports.",
    alreadyRequested: 'The agency reports were requested already.',
  };
  return planAnswer(deps, 'reports.request', { reference: action.reference, data }, result, said, ['alreadyRequested']);
}

/** `reports.read`: the reports as returned, to a business-unit member only; the reading is audited. */
export async function readReports(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const record = await businessUnitCase(context, deps, data);
  if (typeof record === 'string') return record;
  const reports = record.reports;
  if (!reports) return planCardFor(deps, record);
  await recordAudit(deps.review, record.reference, callerOf(context)?.aadObjectId ?? '', 'case.viewed', 'via=reports');
  const asked = typeof data.agencyId === 'string' ? data.agencyId : undefined;
  const chosen = reports.requests.find((r) => r.current && (asked === undefined || r.agencyId === asked));
  const report = chosen?.current && (await deps.review.store.getCaseItem<StoredReport>(record.reference, chosen.current.itemId))?.doc;
  const agencies = reports.requests.map((r) => ({
    agencyId: r.agencyId,
    name: agencyName(deps, r.agencyId),
    ...(r.current && { returnedAt: r.current.at }),
  }));
  return reportsCard({
    reference: record.reference,
    descriptor: record.descriptor,
    dueOn: reports.dueOn,
    agencies,
    ...(chosen && report && { shown: { name: agencyName(deps, chosen.agencyId), report } }),
  });
}

function parseReport(context: TurnContext, data: Record<string, unknown>) {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = reportEnvelope.safeParse(data);
  return envelope.success ? { caller, ...envelope.data } : NOT_ENTITLED_TO_REPORT;
}

/** `report.submit`: records the report, or shows the form again with its problems beside their fields. */
export async function submitReportForm(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const input = parseReport(context, data);
  if (typeof input === 'string') return input;
  const result = await submitReport(deps.review, { ...input, data });
  deps.log.info({ verb: 'report.submit', reference: input.reference, outcome: result.status }, 'agency report');
  if (result.status === 'notFound' || result.status === 'refused') return refusal(result);
  if (result.status === 'invalid')
    return reportFormFor(deps, result.record, input.agencyId, {
      submissionId: input.submissionId,
      values: result.form,
      errors: result.errors,
    });
  if (result.status === 'saved') return reportFormFor(deps, result.record, input.agencyId, { values: result.form });
  runAfterTurn(deps, result.record.reference);
  return `Thank you: ${agencyName(deps, input.agencyId)}'s report for ${input.reference} is ${result.amended ? 'amended' : 'recorded'}. The business unit can read it now.`;
}

/** `report.saveDraft`: keeps what is typed, and shows the form again. */
export async function saveReportDraftNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const input = parseReport(context, data);
  if (typeof input === 'string') return input;
  const result = await saveReportDraft(deps.review, { ...input, data });
  if (result.status === 'notFound' || result.status === 'refused') return refusal(result);
  if (result.status === 'invalid')
    return reportFormFor(deps, result.record, input.agencyId, { values: result.form, errors: result.errors });
  return reportFormFor(deps, result.record, input.agencyId, {
    ...(result.status === 'saved' && { values: result.form }),
    notice: 'Draft saved. Send the report when it is complete.',
  });
}
