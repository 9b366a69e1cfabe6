/**
 * An agency's answer to a rapid review request: who may give it, the return itself (or
 * a nil return), a draft kept as typed, and the form as the agency left it. Each action
 * checks the caller's standing from their identity, is audited, and has one effect
 * however often it is delivered.
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
import type { CaseRecord } from './case.js';
import { recordAudit as audit, todayFor as today, type Caller, type ReviewDeps } from './deps.js';
import type { AuditEvent } from './audit.js';
import { CASE_CARD, DECISION_CARD, refreshCard } from './effects.js';
import { cancelReminders, type Origin } from './owed.js';
import { businessUnitOf, withConcern } from './safety.js';
import { answerRefusal, requestFor, withReturn, type AnswerRefusal } from './rapid-review.js';
import { updateCase } from './update-case.js';
import { StoreBusyError } from './store.js';

export type Refused = { status: 'refused'; reason: AnswerRefusal } | { status: 'notFound' };

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
  input: {
    caller: Caller;
    reference: string;
    agencyId: string;
    submissionId: string;
    data: Record<string, unknown> | 'nil';
    /** The lead's Teams service, where the business unit's one-to-one alerts are created. */
    origin: Origin;
  },
): Promise<ReturnResult> {
  const standing = await entitled(deps, input, false);
  if (standing.status !== 'ok') return standing;
  const agency = deps.partnership.agencies.find((a) => a.id === input.agencyId);
  const validated =
    input.data === 'nil'
      ? ({ ok: true, value: nilReturn(input.agencyId) } as const)
      : validateReturn(input.data, {
          agencyId: input.agencyId,
          collatesHealth: agency?.collatesHealth ?? false,
          reflective: standing.record.kind === 'reflective',
          today: today(deps),
        });
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
    if (closedMeanwhile) return r;
    const returned = withReturn(r, input.agencyId, {
      itemId: id,
      by: kept.by,
      at: kept.at,
      involved: kept.involved,
      ...(kept.criteriaView && { criteriaView: kept.criteriaView }),
      ...(kept.criteria && { criteria: kept.criteria }),
    });
    if (!linked) return returned;
    // Audited, and its reminders stopped, by the delivery that linked it, which after a crash may be a redelivery.
    const audit: AuditEvent[] = [
      {
        caseId: r.reference,
        at,
        actor: input.caller.aadObjectId,
        action: amended ? 'return.amended' : 'return.submitted',
        detail: `agency=${input.agencyId} involved=${kept.involved ? 'yes' : 'no'}`,
      },
    ];
    if (returned.rapidReview?.closed?.reason === 'allReturned' && returned.rapidReview.closed.at === kept.at) {
      audit.push({ caseId: r.reference, at, actor: 'panel', action: 'rapidReview.closed', detail: 'reason=allReturned' });
    }
    const cards = refreshCard(
      refreshCard(cancelReminders(returned, input.agencyId, 'the return has come', at), CASE_CARD, at),
      DECISION_CARD,
      at,
    );
    // Action needed now to keep someone safe: the business unit hears of it at once, in the same write.
    const urgent = (kept.immediateAction ?? '').trim() !== '';
    const concern = { id: `return:${input.agencyId}:${input.submissionId}`, agencyId: input.agencyId, itemId: id, at };
    const flagged = urgent ? withConcern(cards, concern, businessUnitOf(deps), input.origin) : cards;
    return { record: flagged, audit };
  });
  if (closedMeanwhile) {
    if (added) await deps.store.deleteCaseItem(input.reference, id);
    return { status: 'refused', reason: 'closed' };
  }
  // The draft goes: best effort, as the return is stored whatever happens next (a draft
  // older than the agency's current return is never shown).
  if (linked)
    await deps.store.deleteCaseItem(input.reference, `draft:${input.agencyId}`).catch((err: unknown) => {
      if (!(err instanceof StoreBusyError)) throw err;
    });
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
export async function openReturn(deps: ReviewDeps, input: { caller: Caller; reference: string; agencyId: string }): Promise<OpenResult> {
  const standing = await entitled(deps, input, false);
  if (standing.status !== 'ok') return standing;
  const { record } = standing;
  await audit(deps, record.reference, input.caller.aadObjectId, 'case.viewed', `via=return agency=${input.agencyId}`);
  const draft = await deps.store.getCaseItem<{ form: ReturnDraft }>(record.reference, `draft:${input.agencyId}`);
  const current = requestFor(record, input.agencyId)?.current;
  if (draft && (!current || draft.at > current.at)) return { status: 'open', record, form: draft.doc.form, from: 'draft' };
  const stored = current && (await deps.store.getCaseItem<StoredReturn>(record.reference, current.itemId));
  if (stored) return { status: 'open', record, form: returnAsForm(stored.doc), from: 'return' };
  return { status: 'open', record, form: {}, from: 'new' };
}
