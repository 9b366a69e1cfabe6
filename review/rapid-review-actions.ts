/**
 * What people do in a rapid review: the business unit starts it and closes returns;
 * leads answer, save drafts and hand requests on; entitled roles read the collation.
 * Each action checks the caller's role from their identity, is audited, and has one
 * effect however often it is delivered.
 */
import {
  draftProblems,
  nilReturn,
  returnAsForm,
  validateReturn,
  type ReturnDraft,
  type ReturnErrors,
  type StoredReturn,
} from './agency-return.js';
import type { AuditAction } from './audit.js';
import type { CaseRecord } from './case.js';
import type { Caller, ReviewDeps } from './deps.js';
import { localDateOf, parseLocalDate, type LocalDate } from './local-date.js';
import type { Person } from './partnership.js';
import {
  answerRefusal,
  requestFor,
  withDelegate,
  withDelivery,
  withPanelAfterRequests,
  withRapidReview,
  withReturn,
  withReturnsClosed,
  type AnswerRefusal,
  type Delivery,
} from './rapid-review.js';
import { readCardForm } from './card-form.js';
import { updateCase } from './update-case.js';

const today = (deps: ReviewDeps): LocalDate => localDateOf(deps.now(), deps.partnership.timezone);

async function audit(deps: ReviewDeps, caseId: string, actor: string, action: AuditAction, detail?: string) {
  await deps.store.appendAudit({ caseId, at: deps.now().toISOString(), actor, action, ...(detail && { detail }) });
}

const isBusinessUnit = (deps: ReviewDeps, caller: Caller) => deps.directory.hasRole(caller.aadObjectId, 'businessUnit');

/** The start card's inputs: agencies as the multi-select sends them ("la,police"), and the due date. */
export interface StartForm {
  agencies: string;
  dueOn: string;
}
export type StartErrors = Partial<Record<keyof StartForm, string>>;

/** The agencies a multi-select sent ("la,police"), each once. */
const agenciesIn = (value: string): string[] => [...new Set(value.split(',').map((a) => a.trim()).filter(Boolean))];

function checkStart(deps: ReviewDeps, data: Record<string, unknown>): { form: StartForm; errors: StartErrors } {
  const { form, errors } = readCardForm(['agencies', 'dueOn'], data);
  const known = new Set(deps.partnership.agencies.map((a) => a.id));
  const chosen = agenciesIn(form.agencies);
  if (chosen.length === 0) errors.agencies ??= 'Choose at least one agency';
  else if (chosen.some((a) => !known.has(a))) errors.agencies = 'Choose agencies from the list';
  const due = parseLocalDate(form.dueOn);
  if (form.dueOn === '') errors.dueOn ??= 'Choose the date returns are due';
  else if (!due) errors.dueOn = 'Enter a real date';
  else if (due <= today(deps)) errors.dueOn = 'Choose a date after today, so agencies have time to answer';
  else if (!deps.calendar.isWorkingDay(due)) errors.dueOn = 'That is not a working day; choose a working day';
  return { form, errors };
}

export type StartResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'invalid'; record: CaseRecord; form: StartForm; errors: StartErrors }
  | { status: 'started' | 'alreadyStarted'; record: CaseRecord };

/**
 * The business unit starts the rapid review: one request per chosen agency, to its
 * leads. Pressing Confirm twice, or two members at once, starts it once.
 */
export async function startRapidReview(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<StartResult> {
  if (!isBusinessUnit(deps, input.caller)) return { status: 'refused' };
  const current = await deps.store.getCase(input.reference);
  if (!current) return { status: 'notFound' };
  if (current.rapidReview) return { status: 'alreadyStarted', record: current };
  const { form, errors } = checkStart(deps, input.data);
  if (Object.keys(errors).length > 0) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  const agencies = agenciesIn(form.agencies);
  const dueOn = form.dueOn as LocalDate;
  let startedNow = false;
  const record = await updateCase(deps.store, input.reference, (r) => {
    startedNow = !r.rapidReview;
    if (r.rapidReview) return r;
    const listed = withPanelAfterRequests(r, today(deps), { panel: deps.partnership.panel, settings: deps.partnership.clocks, calendar: deps.calendar });
    return withRapidReview(listed, { agencies, dueOn, by: input.caller.aadObjectId, at }, deps.partnership);
  });
  if (!startedNow) return { status: 'alreadyStarted', record };
  await audit(deps, record.reference, input.caller.aadObjectId, 'rapidReview.started', `agencies=${agencies.join(',')} due=${dueOn}`);
  return { status: 'started', record };
}

/** Records whether Panel's request reached one addressee, with its audit event. */
export async function recordDelivery(
  deps: ReviewDeps,
  input: { reference: string; agencyId: string; aadObjectId: string; delivery: Delivery },
): Promise<CaseRecord> {
  return updateCase(deps.store, input.reference, (r) => withDelivery(r, input.agencyId, input.aadObjectId, input.delivery));
}

type Refused = { status: 'refused'; reason: AnswerRefusal } | { status: 'notFound' };

/**
 * The case, if the caller may answer for the agency, or why not; refusals of people
 * who are not entitled are audited. `allowPastDue` lets a lead still read the request
 * and hand it on after the date for amendments has passed.
 */
export async function entitled(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string },
  allowPastDue: boolean,
): Promise<Refused | { status: 'ok'; record: CaseRecord }> {
  const record = await deps.store.getCase(input.reference);
  if (!record) return { status: 'notFound' };
  const reason = answerRefusal(record, input.agencyId, input.caller, deps.directory, today(deps));
  if (!reason || (reason === 'pastDue' && allowPastDue)) return { status: 'ok', record };
  if (reason === 'notRequested' || reason === 'notEntitled') {
    await audit(deps, record.reference, input.caller.aadObjectId, 'return.refused', `agency=${input.agencyId} reason=${reason}`);
  }
  return { status: 'refused', reason };
}

export type ReturnResult =
  | Refused
  | { status: 'invalid'; record: CaseRecord; form: ReturnDraft; errors: ReturnErrors }
  | { status: 'alreadyReturned'; record: CaseRecord }
  | { status: 'recorded'; record: CaseRecord; stored: StoredReturn; amended: boolean };

/**
 * Records an agency's return (or its one-press nil return). Every version is kept; the
 * latest is current. The same submission delivered twice is one return; two leads of
 * one agency answering at once are both kept, the later current.
 */
export async function submitReturn(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string; submissionId: string; data: Record<string, unknown> | 'nil' },
): Promise<ReturnResult> {
  const standing = await entitled(deps, input, false);
  if (standing.status !== 'ok') return standing;
  const agency = deps.partnership.agencies.find((a) => a.id === input.agencyId);
  const validated =
    input.data === 'nil'
      ? ({ ok: true, value: nilReturn(input.agencyId) } as const)
      : validateReturn(input.data, { agencyId: input.agencyId, collatesHealth: agency?.collatesHealth ?? false, today: today(deps) });
  if (!validated.ok) return { status: 'invalid', record: standing.record, form: validated.form, errors: validated.errors };

  // A nil return is one press on the request card; once the agency has a return, an old
  // card's press must not replace it (a colleague's full return): amending is the form's.
  if (input.data === 'nil' && requestFor(standing.record, input.agencyId)?.current) {
    return { status: 'alreadyReturned', record: standing.record };
  }
  const at = deps.now().toISOString();
  const id = `return:${input.agencyId}:${input.submissionId}`;
  const stored: StoredReturn = { ...validated.value, submissionId: input.submissionId, by: input.caller.aadObjectId, at };
  const added = await deps.store.addCaseItemOnce({ caseId: input.reference, id, type: 'return', at, doc: stored });
  const kept = added ? stored : ((await deps.store.getCaseItem<StoredReturn>(input.reference, id))?.doc ?? stored);
  let amended = false;
  let linked = false;
  let closedMeanwhile = false;
  const record = await updateCase(deps.store, input.reference, (r) => {
    // The business unit may have closed returns since the check above: then nothing changes.
    closedMeanwhile = r.rapidReview?.closed?.reason === 'closedByBusinessUnit';
    const request = requestFor(r, input.agencyId);
    amended = request?.current !== undefined && request.current.itemId !== id;
    linked = !closedMeanwhile && !request?.returns.includes(id);
    return closedMeanwhile ? r : withReturn(r, input.agencyId, { itemId: id, by: kept.by, at: kept.at, involved: kept.involved, ...(kept.criteriaView && { criteriaView: kept.criteriaView }) });
  });
  if (closedMeanwhile) {
    if (added) await deps.store.deleteCaseItem(input.reference, id);
    return { status: 'refused', reason: 'closed' };
  }
  // Audited by the delivery that linked it, which after a crash may be a redelivery.
  if (linked) {
    await deps.store.deleteCaseItem(input.reference, `draft:${input.agencyId}`);
    await audit(
      deps,
      input.reference,
      input.caller.aadObjectId,
      amended ? 'return.amended' : 'return.submitted',
      `agency=${input.agencyId} involved=${kept.involved ? 'yes' : 'no'}`,
    );
    if (record.rapidReview?.closed?.reason === 'allReturned' && record.rapidReview.closed.at === kept.at) {
      await audit(deps, input.reference, 'panel', 'rapidReview.closed', 'reason=allReturned');
    }
  }
  return { status: 'recorded', record, stored: kept, amended };
}

export type DraftResult =
  | Refused
  | { status: 'invalid'; record: CaseRecord; form: ReturnDraft; errors: ReturnErrors }
  | { status: 'saved'; record: CaseRecord; form: ReturnDraft };

/** Saves what a lead has typed so far; one draft per agency, the last save kept. */
export async function saveReturnDraft(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string; form: ReturnDraft },
): Promise<DraftResult> {
  const standing = await entitled(deps, input, false);
  if (standing.status !== 'ok') return standing;
  const errors = draftProblems(input.form);
  if (Object.keys(errors).length > 0) return { status: 'invalid', record: standing.record, form: input.form, errors };
  const at = deps.now().toISOString();
  await deps.store.putCaseItem({
    caseId: input.reference,
    id: `draft:${input.agencyId}`,
    type: 'draft',
    at,
    doc: { by: input.caller.aadObjectId, form: input.form },
  });
  await audit(deps, input.reference, input.caller.aadObjectId, 'return.draftSaved', `agency=${input.agencyId}`);
  return { status: 'saved', record: standing.record, form: input.form };
}

export type OpenResult = Refused | { status: 'open'; record: CaseRecord; form: ReturnDraft; from: 'draft' | 'return' | 'new' };

/** The return form as the agency left it: its draft, else its current return to amend, else empty. */
export async function openReturn(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string },
): Promise<OpenResult> {
  const standing = await entitled(deps, input, false);
  if (standing.status !== 'ok') return standing;
  const { record } = standing;
  await audit(deps, record.reference, input.caller.aadObjectId, 'case.viewed', `via=return agency=${input.agencyId}`);
  const draft = await deps.store.getCaseItem<{ form: ReturnDraft }>(record.reference, `draft:${input.agencyId}`);
  if (draft) return { status: 'open', record, form: draft.doc.form, from: 'draft' };
  const current = requestFor(record, input.agencyId)?.current;
  const stored = current && (await deps.store.getCaseItem<StoredReturn>(record.reference, current.itemId));
  if (stored) return { status: 'open', record, form: returnAsForm(stored.doc), from: 'return' };
  return { status: 'open', record, form: {}, from: 'new' };
}

/** The colleagues of an agency a request can be handed to: everyone listed with it, but the caller. */
export function colleaguesOf(deps: Pick<ReviewDeps, 'partnership'>, agencyId: string, caller: Caller): Person[] {
  return deps.partnership.people.filter(
    (p) => p.agency === agencyId && p.aadObjectId.toLowerCase() !== caller.aadObjectId.toLowerCase(),
  );
}

export type DelegateResult =
  | Refused
  | { status: 'notLead' }
  | { status: 'invalid'; record: CaseRecord; error: string }
  | { status: 'delegated'; record: CaseRecord; to: Person; already: boolean };

/** Whether the caller is one of the agency's safeguarding leads (not a colleague it was handed to). */
export const isLeadOf = (deps: Pick<ReviewDeps, 'directory'>, caller: Caller, agencyId: string): boolean => {
  const person = deps.directory.find(caller.aadObjectId);
  return person?.agency === agencyId && person.roles.includes('lead');
};

/**
 * The request card, for someone who may answer it: it names the person under review,
 * so each showing is audited like any other view of the case.
 */
export async function viewRequest(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string },
): Promise<Refused | { status: 'ok'; record: CaseRecord }> {
  const standing = await entitled(deps, input, true);
  if (standing.status === 'ok') {
    await audit(deps, input.reference, input.caller.aadObjectId, 'case.viewed', `via=request agency=${input.agencyId}`);
  }
  return standing;
}

/**
 * A lead hands the request to a named colleague of the same agency, who may then
 * answer it. Only a lead hands it on: a colleague it was handed to answers it, or
 * gives it back to the lead.
 */
export async function delegateRequest(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string; to: unknown },
): Promise<DelegateResult> {
  const standing = await entitled(deps, input, true);
  if (standing.status !== 'ok') return standing;
  if (!isLeadOf(deps, input.caller, input.agencyId)) {
    await audit(deps, input.reference, input.caller.aadObjectId, 'return.refused', `agency=${input.agencyId} reason=notLead`);
    return { status: 'notLead' };
  }
  const to = colleaguesOf(deps, input.agencyId, input.caller).find(
    (p) => typeof input.to === 'string' && p.aadObjectId.toLowerCase() === input.to.toLowerCase(),
  );
  if (!to) return { status: 'invalid', record: standing.record, error: 'Choose a colleague from the list' };
  const already = requestFor(standing.record, input.agencyId)?.addressees.some(
    (a) => a.aadObjectId.toLowerCase() === to.aadObjectId.toLowerCase(),
  ) ?? false;
  const at = deps.now().toISOString();
  const record = await updateCase(deps.store, input.reference, (r) =>
    withDelegate(r, input.agencyId, { to: to.aadObjectId, by: input.caller.aadObjectId, at }),
  );
  if (!already) {
    await audit(deps, record.reference, input.caller.aadObjectId, 'rapidReview.delegated', `agency=${input.agencyId} to=${to.aadObjectId}`);
  }
  return { status: 'delegated', record, to, already };
}

export type CloseResult = { status: 'refused' | 'notFound' | 'notStarted' } | { status: 'closed' | 'alreadyClosed'; record: CaseRecord };

/** The business unit closes returns: no more answers or amendments, and the collation is built. */
export async function closeReturns(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<CloseResult> {
  if (!isBusinessUnit(deps, input.caller)) return { status: 'refused' };
  const current = await deps.store.getCase(input.reference);
  if (!current) return { status: 'notFound' };
  if (!current.rapidReview) return { status: 'notStarted' };
  if (current.rapidReview.closed?.reason === 'closedByBusinessUnit') return { status: 'alreadyClosed', record: current };
  const at = deps.now().toISOString();
  const record = await updateCase(deps.store, input.reference, (r) => withReturnsClosed(r, input.caller.aadObjectId, at));
  if (record.rapidReview?.closed?.at !== at) return { status: 'alreadyClosed', record };
  await audit(deps, record.reference, input.caller.aadObjectId, 'rapidReview.closed', 'reason=closedByBusinessUnit');
  return { status: 'closed', record };
}

export type CollationResult =
  | { status: 'refused' | 'notFound' | 'notReady' }
  | { status: 'collated'; record: CaseRecord; returns: Map<string, StoredReturn> };

/**
 * The collated returns, agency by agency, for the business unit and the panel's
 * members and chair: read one to one or in a view only they see. Audited, refusals too.
 */
export async function collation(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId?: string },
): Promise<CollationResult> {
  const record = await deps.store.getCase(input.reference);
  if (!record) return { status: 'notFound' };
  const entitledRoles = (['businessUnit', 'panelMember', 'independentChair'] as const).some((role) =>
    deps.directory.hasRole(input.caller.aadObjectId, role),
  );
  if (!entitledRoles) {
    await audit(deps, record.reference, input.caller.aadObjectId, 'collation.view.refused');
    return { status: 'refused' };
  }
  if (!record.rapidReview?.closed) return { status: 'notReady' };
  const items = await deps.store.listCaseItems<StoredReturn>(record.reference, 'return');
  const byId = new Map(items.map((i) => [i.id, i.doc]));
  const returns = new Map<string, StoredReturn>();
  for (const request of record.rapidReview.requests) {
    const current = request.current && byId.get(request.current.itemId);
    if (current) returns.set(request.agencyId, current);
  }
  // Card data only chooses which of the returns the caller may read is shown.
  const agency = input.agencyId && returns.has(input.agencyId) ? ` agency=${input.agencyId}` : '';
  await audit(deps, record.reference, input.caller.aadObjectId, 'collation.viewed', agency ? agency.trim() : undefined);
  return { status: 'collated', record, returns };
}
