import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { delegateCard, requestCard, type RequestStatus } from '../../cards/rapid-review-cards.js';
import { returnFormCard } from '../../cards/return-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { typedReturn, type ReturnDraft, type ReturnErrors } from '../../review/agency-return.js';
import { parseReference, type CaseRecord } from '../../review/case.js';
import type { Caller } from '../../review/deps.js';
import { localDateOf, type LocalDate } from '../../review/local-date.js';
import { requestFor, type AnswerRefusal } from '../../review/rapid-review.js';
import { colleaguesOf, delegateRequest, isLeadOf, viewRequest } from '../../review/rapid-review-actions.js';
import { entitled, openReturn, saveReturnDraft, submitReturn } from '../../review/return-actions.js';
import { callerOf, NO_IDENTITY, originOf } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { runAfterTurn } from '../after-turn.js';

/**
 * Which case and agency a request card is about. It never says who may answer: that
 * comes from the caller's identity and the partnership file.
 */
const requestEnvelope = z.object({
  reference: z.string().transform((s, ctx) => parseReference(s) ?? (ctx.addIssue({ code: 'custom', message: 'not a reference' }), '')),
  agencyId: z.string().regex(/^[a-z][a-z0-9-]*$/),
});
const submissionEnvelope = requestEnvelope.extend({ submissionId: z.string().uuid() });

export const NOT_ENTITLED =
  "Only the agency's safeguarding lead, or a colleague they hand the request to, can answer it. Nothing was changed.";

const ONLY_LEADS_HAND_ON = "Only the agency's safeguarding lead can hand the request to someone else. Nothing was changed.";

const REFUSALS: Record<AnswerRefusal, (reference: string) => string> = {
  notRequested: () => NOT_ENTITLED,
  notEntitled: () => NOT_ENTITLED,
  closed: (reference) =>
    `The business unit has closed returns for ${reference}. Nothing was changed; contact them if something is missing.`,
  pastDue: (reference) =>
    `The due date for ${reference} has passed, so the return can no longer be amended. Contact the business unit if something is missing.`,
};

const refusal = (result: { status: 'notFound' } | { status: 'refused'; reason: AnswerRefusal }, reference: string) =>
  result.status === 'notFound' ? NOT_ENTITLED : REFUSALS[result.reason](reference);

interface Request {
  caller: Caller;
  reference: string;
  agencyId: string;
}

function parseRequest(context: TurnContext, data: Record<string, unknown>): Request | string {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = requestEnvelope.safeParse(data);
  if (!envelope.success) return NOT_ENTITLED;
  return { caller, ...envelope.data };
}

const today = (deps: PanelDeps): LocalDate => localDateOf(deps.review.now(), deps.review.partnership.timezone);
const agencyOf = (deps: PanelDeps, agencyId: string) => deps.review.partnership.agencies.find((a) => a.id === agencyId);

/** Where the request stands now, for the person looking at it. */
function statusOf(deps: PanelDeps, record: CaseRecord, agencyId: string): RequestStatus {
  const review = record.rapidReview!;
  const current = requestFor(record, agencyId)?.current;
  if (review.closed?.reason === 'closedByBusinessUnit') return { kind: 'closed' };
  if (current) return { kind: 'returned', involved: current.involved, at: current.at, canAmend: today(deps) <= review.dueOn };
  return { kind: 'open' };
}

function requestCardFor(deps: PanelDeps, caller: Caller, record: CaseRecord, agencyId: string, status?: RequestStatus): AdaptiveCardJson {
  return requestCard({
    canHandOn: isLeadOf(deps.review, caller, agencyId),
    record,
    agencyId,
    agencyName: agencyOf(deps, agencyId)?.name ?? agencyId,
    dueOn: record.rapidReview!.dueOn,
    status: status ?? statusOf(deps, record, agencyId),
    submissionId: deps.newId(),
  });
}

function formFor(
  deps: PanelDeps,
  record: CaseRecord,
  agencyId: string,
  parts: { values: ReturnDraft; errors?: ReturnErrors; submissionId?: string; notice?: string },
): AdaptiveCardJson {
  const agency = agencyOf(deps, agencyId);
  return returnFormCard({
    reference: record.reference,
    descriptor: record.descriptor,
    agencyId,
    agencyName: agency?.name ?? agencyId,
    collatesHealth: agency?.collatesHealth ?? false,
    reflective: record.kind === 'reflective',
    values: parts.values,
    ...(parts.errors && { errors: parts.errors }),
    submissionId: parts.submissionId ?? deps.newId(),
    today: today(deps),
    ...(parts.notice && { notice: parts.notice }),
  });
}

/** `return.showRequest`: back to the request card. */
export async function showRequest(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const request = parseRequest(context, data);
  if (typeof request === 'string') return request;
  const standing = await viewRequest(deps.review, request);
  if (standing.status !== 'ok') return refusal(standing, request.reference);
  return requestCardFor(deps, request.caller, standing.record, request.agencyId);
}

/** `return.open`: the return form, from the agency's draft, or its current return to amend. */
export async function openReturnForm(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const request = parseRequest(context, data);
  if (typeof request === 'string') return request;
  const result = await openReturn(deps.review, request);
  if (result.status !== 'open') return refusal(result, request.reference);
  const notice = result.from === 'draft' ? 'Your saved draft. Submit the return when it is complete.' : undefined;
  return formFor(deps, result.record, request.agencyId, { values: result.form, ...(notice && { notice }) });
}

/** After a return is recorded: the case's channel card shows it, for everyone, and its reminders stop. */
const afterReturn = (deps: PanelDeps, reference: string): void => runAfterTurn(deps, reference);

/** `return.submit`: records the return, or shows the form again with its problems beside their fields. */
export async function submitReturnForm(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = submissionEnvelope.safeParse(data);
  if (!envelope.success) return NOT_ENTITLED;
  const { reference, agencyId, submissionId } = envelope.data;
  const result = await submitReturn(deps.review, { caller, reference, agencyId, submissionId, data, origin: originOf(context) });
  deps.log.info({ verb: 'return.submit', reference, agency: agencyId, outcome: result.status }, 'return');
  if (result.status === 'notFound' || result.status === 'refused') return refusal(result, reference);
  if (result.status === 'invalid') {
    return formFor(deps, result.record, agencyId, { values: result.form, errors: result.errors, submissionId });
  }
  afterReturn(deps, reference);
  return requestCardFor(deps, caller, result.record, agencyId);
}

/** `return.nil`: "we had no involvement", in one press. */
export async function submitNilReturn(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = submissionEnvelope.safeParse(data);
  if (!envelope.success) return NOT_ENTITLED;
  const { reference, agencyId, submissionId } = envelope.data;
  const result = await submitReturn(deps.review, { caller, reference, agencyId, submissionId, data: 'nil', origin: originOf(context) });
  deps.log.info({ verb: 'return.nil', reference, agency: agencyId, outcome: result.status }, 'return');
  if (result.status === 'notFound' || result.status === 'refused') return refusal(result, reference);
  if (result.status === 'invalid') return NOT_ENTITLED;
  // Already returned (perhaps by a colleague): the card says so, and offers Amend instead.
  if (result.status === 'recorded') afterReturn(deps, reference);
  return requestCardFor(deps, caller, result.record, agencyId);
}

/** `return.saveDraft`: keeps what is typed so far, for this agency, to come back to. */
export async function saveDraft(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const request = parseRequest(context, data);
  if (typeof request === 'string') return request;
  const form = typedReturn(data);
  const result = await saveReturnDraft(deps.review, { ...request, form });
  if (result.status === 'notFound' || result.status === 'refused') return refusal(result, request.reference);
  if (result.status === 'invalid') {
    return formFor(deps, result.record, request.agencyId, { values: form, errors: result.errors });
  }
  return formFor(deps, result.record, request.agencyId, {
    values: form,
    notice: 'Draft saved. Come back to it from the request card with Answer.',
  });
}

/** `return.chooseDelegate`: the colleagues of the agency the request can be handed to. */
export async function chooseDelegate(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const request = parseRequest(context, data);
  if (typeof request === 'string') return request;
  const standing = await entitled(deps.review, request, true);
  if (standing.status !== 'ok') return refusal(standing, request.reference);
  if (!isLeadOf(deps.review, request.caller, request.agencyId)) return ONLY_LEADS_HAND_ON;
  return delegateCard({
    reference: request.reference,
    agencyId: request.agencyId,
    agencyName: agencyOf(deps, request.agencyId)?.name ?? request.agencyId,
    colleagues: colleaguesOf(deps.review, request.agencyId, request.caller),
  });
}

/** `return.delegate`: hands the request to the chosen colleague, who is sent it at once. */
export async function delegate(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const request = parseRequest(context, data);
  if (typeof request === 'string') return request;
  const result = await delegateRequest(deps.review, { ...request, to: data.colleague, origin: originOf(context) });
  deps.log.info({ verb: 'return.delegate', reference: request.reference, agency: request.agencyId, outcome: result.status }, 'delegation');
  if (result.status === 'notFound' || result.status === 'refused') return refusal(result, request.reference);
  if (result.status === 'notLead') return ONLY_LEADS_HAND_ON;
  const agencyName = agencyOf(deps, request.agencyId)?.name ?? request.agencyId;
  if (result.status === 'invalid') {
    return delegateCard({
      reference: request.reference,
      agencyId: request.agencyId,
      agencyName,
      colleagues: colleaguesOf(deps.review, request.agencyId, request.caller),
      error: result.error,
    });
  }
  runAfterTurn(deps, request.reference);
  return requestCardFor(deps, request.caller, result.record, request.agencyId, { kind: 'handedOver', toName: result.to.name });
}
