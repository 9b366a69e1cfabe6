/**
 * The close of the panel's vote: the independent chair (or the business unit, where the
 * partnership allows) records the decision with its rationale, once the quorum has
 * voted. Checked against the caller's identity, validated, recorded once and audited.
 */
import type { CaseRecord } from './case.js';
import {
  noticesFor,
  openBallot,
  outcomesFor,
  reviewDueOn,
  reviewerFor,
  REVIEWERS,
  tally,
  withClosing,
  withDecision,
  withRecommendation,
  type DecisionRecord,
  type Notice,
  type Outcome,
  type Reviewer,
} from './decision.js';
import { ballotNumber, closesAs, quorumOf } from './decision-actions.js';
import { todayFor as today, type Caller, type ReviewDeps } from './deps.js';
import { parseLocalDate, type LocalDate } from './local-date.js';
import { readCardForm } from './card-form.js';
import { updateCase } from './update-case.js';
import { StoreBusyError, type CaseItem } from './store.js';
import type { AuditEvent } from './audit.js';
import { CLOSING_OUTCOMES, withClosed } from './close-case.js';
import { DECISION_CARD, owe, refreshCard, refreshCards } from './effects.js';
import { holdEndOwed, reviewRemindersOwed, withRemindersStopped, type Origin } from './owed.js';
import { approverFor, recommended } from './approval.js';
import { withDecisionNotices } from './duties.js';
import { criteriaOf } from './criteria.js';
import { reportRemindersOwed } from './reflective.js';
import { withPlan } from './plan.js';

/** The longest rationale: it goes to the referrer, so it must fit a card. */
export const RATIONALE_MAX = 3000;

/** What the chair types to close the vote. */
export interface CloseForm {
  outcome: string;
  criteria: string;
  rationale: string;
  reviewer: string;
  notices: string;
  holdUntil: string;
  /** A reflective review: the meeting's date, and the chair nominated to lead it. */
  meetingOn: string;
  meetingChair: string;
}
export type CloseErrors = Partial<Record<keyof CloseForm, string>>;

export type CloseResult =
  | { status: 'refused' | 'notFound' }
  /** Closed already: with the decision it closed with, when it is the one named, to finish what follows it. */
  | { status: 'closed'; record: CaseRecord; decision?: DecisionRecord }
  | { status: 'noQuorum'; record: CaseRecord; cast: number }
  | { status: 'invalid'; record: CaseRecord; form: CloseForm; errors: CloseErrors }
  | { status: 'decided'; record: CaseRecord; decision: DecisionRecord }
  /** Recorded as the panel's recommendation: the approver of the case's kind decides. */
  | { status: 'recommended'; record: CaseRecord; decision: DecisionRecord };

const CLOSE_FIELDS = [
  'outcome',
  'criteria',
  'rationale',
  'reviewer',
  'notices',
  'holdUntil',
  'meetingOn',
  'meetingChair',
] as const satisfies readonly (keyof CloseForm)[];

/** What the chair sent, as text, with any input that was not text named. */
export const closeFormOf = (data: Record<string, unknown>): { form: CloseForm; errors: CloseErrors } => readCardForm(CLOSE_FIELDS, data);

export type CloseFormResult =
  | { status: 'refused' | 'notFound' }
  /** No vote is open: decided already, or never opened. */
  | { status: 'noBallot'; record: CaseRecord }
  | { status: 'noQuorum'; record: CaseRecord; cast: number }
  | { status: 'open'; record: CaseRecord };

/**
 * A closer opens the form to close the vote, once the quorum has voted. The ballot
 * records that they are writing the decision, so that the shared card is held still
 * meanwhile (see CLOSE_FORM_HOLD_MINUTES); audited.
 */
export async function openCloseForm(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<CloseFormResult> {
  const actor = input.caller.aadObjectId;
  if (!closesAs(deps, actor)) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (!closesAs(deps, actor, current.kind)) return { status: 'refused' };
  const ballot = openBallot(current);
  if (!ballot) return { status: 'noBallot', record: current };
  const cast = tally(ballot.votes).cast;
  if (cast < quorumOf(deps, { kind: current.kind, ballot })) return { status: 'noQuorum', record: current, cast };
  const record = await holdCloseForm(deps, current.reference, ballot.number, actor);
  // Closed (or reopened as another ballot) since it was read: there is no form to write.
  if (openBallot(record)?.number !== ballot.number) return { status: 'noBallot', record };
  return { status: 'open', record };
}

/** Records on the ballot that `actor` is writing its decision from now; audited. */
async function holdCloseForm(deps: ReviewDeps, reference: string, number: number, actor: string): Promise<CaseRecord> {
  const closing = { by: actor.toLowerCase(), since: deps.now().toISOString() };
  // Audited in the hold's own write: a busy store cannot leave the card held with the closer told nothing changed.
  return updateCase(deps.store, reference, (r) => {
    const held = withClosing(r, number, closing);
    if (openBallot(held)?.closing?.since !== closing.since) return held;
    return { record: held, audit: [{ caseId: reference, at: closing.since, actor, action: 'vote.closing', detail: `ballot=${number}` }] };
  });
}

/**
 * The hold renewed as the form goes back to its closer. Renewing it must not cost them
 * what they typed: if the store is busy, the form goes back all the same, on the hold it
 * had.
 */
async function keepHolding(deps: ReviewDeps, record: CaseRecord, number: number, actor: string): Promise<CaseRecord> {
  try {
    return await holdCloseForm(deps, record.reference, number, actor);
  } catch (err) {
    if (err instanceof StoreBusyError) return record;
    throw err;
  }
}

/**
 * The closer is back on the decision card without closing (Back, or Teams showed them
 * the card afresh, so their form is gone): the shared card is no longer held for them.
 * Says whether it was.
 */
export async function leaveCloseForm(deps: ReviewDeps, record: CaseRecord, caller: Caller): Promise<boolean> {
  const by = caller.aadObjectId.toLowerCase();
  const closing = openBallot(record)?.closing;
  if (!closing || closing.by !== by) return false;
  // Unless the form has been opened again since (by them, or another closer). The shared card catches up.
  const same = (r: CaseRecord) => openBallot(r)?.closing?.since === closing.since && openBallot(r)?.closing?.by === by;
  const at = deps.now().toISOString();
  await updateCase(deps.store, record.reference, (r) =>
    same(r) ? refreshCard(withClosing(r, openBallot(r)!.number, undefined), DECISION_CARD, at) : r,
  );
  return true;
}

/**
 * The chair closes the vote: with the quorum met, the majority's outcome (or, on a tie
 * or no majority, the chair's casting decision), a rationale, the reviewer and the
 * notifications the outcome needs. Recorded once, with every vote, and never changed.
 */
export async function closeVote(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown>; origin: Origin },
): Promise<CloseResult> {
  const actor = input.caller.aadObjectId;
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  const closedAs = closesAs(deps, actor, current?.kind);
  if (!closedAs) {
    if (current)
      await deps.store.appendAudit({ caseId: input.reference, at: deps.now().toISOString(), actor, action: 'vote.close.refused' });
    return { status: 'refused' };
  }
  if (!current) return { status: 'notFound' };
  const ballot = openBallot(current);
  const number = ballotNumber.safeParse(input.data.ballot);
  if (!ballot || !number.success || number.data !== ballot.number) {
    const decided = number.success ? current.panel?.decisions.find((d) => d.number === number.data) : undefined;
    return { status: 'closed', record: current, ...(decided && { decision: decided }) };
  }
  const counted = tally(ballot.votes);
  const quorum = quorumOf(deps, { kind: current.kind, ballot });
  if (counted.cast < quorum) return { status: 'noQuorum', record: current, cast: counted.cast };

  const { form, errors } = closeFormOf(input.data);
  const options = outcomesFor(current.kind);
  let outcome: Outcome | undefined = counted.majority;
  if (!outcome) {
    outcome = options.find((o) => o === form.outcome);
    if (!outcome) errors.outcome ??= 'There is no majority: give your casting decision';
  }
  const found = criteriaOf(form.criteria);
  if (found.unknown) errors.criteria ??= 'Choose criteria from the list';
  if (form.rationale === '') errors.rationale ??= 'Give the reasons for the decision: the referrer is told them';
  else if (form.rationale.length > RATIONALE_MAX)
    errors.rationale = `Keep this to ${RATIONALE_MAX} characters or fewer (now ${form.rationale.length})`;
  let reviewer: Reviewer | undefined;
  const needs = outcome && reviewerFor(outcome);
  if (needs === 'independent') reviewer = 'independent';
  else if (needs === 'choose') {
    reviewer = REVIEWERS.find((r) => r === form.reviewer);
    if (!reviewer) errors.reviewer = 'Choose a local or an independent reviewer';
  }
  const allowed = noticesFor(current.kind);
  const asked = form.notices === '' ? [] : form.notices.split(',');
  const notices = allowed.filter((n) => asked.includes(n));
  if (asked.some((n) => !(allowed as readonly string[]).includes(n))) errors.notices = 'Choose from the notifications listed';
  let holdUntil: LocalDate | undefined;
  if (outcome === 'onHold' && form.holdUntil !== '') {
    holdUntil = parseLocalDate(form.holdUntil);
    if (!holdUntil) errors.holdUntil = 'Enter a real date, or leave it empty to hold until further notice';
    else if (holdUntil <= today(deps)) errors.holdUntil = 'Choose a date after today';
    else if (!deps.calendar.isWorkingDay(holdUntil)) errors.holdUntil = 'That is not a working day; choose a working day';
  }
  let meeting: DecisionRecord['meeting'];
  if (outcome === 'reflective') {
    const on = form.meetingOn === '' ? undefined : parseLocalDate(form.meetingOn);
    const lead = deps.partnership.clocks.reflectiveReportsWorkingDaysBefore;
    const earliest = deps.calendar.addWorkingDays(today(deps), lead);
    if (!on) errors.meetingOn = form.meetingOn === '' ? "Give the reflective review meeting's date" : 'Enter a real date';
    else if (!deps.calendar.isWorkingDay(on)) errors.meetingOn = 'That is not a working day; choose a working day';
    else if (on < earliest)
      errors.meetingOn = `The agencies' reports are due ${lead} working days before the meeting: choose ${earliest} or later`;
    if (form.meetingChair === '') errors.meetingChair = 'Name the chair nominated to lead the reflective review';
    else if (form.meetingChair.length > 100) errors.meetingChair = 'Keep this to 100 characters or fewer';
    if (on && !errors.meetingOn && !errors.meetingChair) {
      meeting = { on, chair: form.meetingChair, reportsDue: deps.calendar.addWorkingDays(on, -lead) };
    }
  }
  if (Object.keys(errors).length > 0 || !outcome) {
    // The form comes back to them: the shared card is held for them from now.
    return { status: 'invalid', record: await keepHolding(deps, current, ballot.number, actor), form, errors };
  }

  const closedAt = deps.now().toISOString();
  const previous = current.panel?.decisions.at(-1);
  const approver = approverFor(deps.partnership, current.kind);
  const reviewDue = reviewDueOn(outcome, today(deps), deps.partnership.clocks, deps.calendar);
  const decision: DecisionRecord = {
    reference: current.reference,
    number: ballot.number,
    kind: current.kind,
    options,
    votes: ballot.votes,
    quorum,
    outcome,
    casting: counted.majority === undefined,
    rationale: form.rationale,
    ...(found.criteria.length && { criteria: found.criteria }),
    ...(reviewer && { reviewer }),
    notices: notices as Notice[],
    ...(holdUntil && { holdUntil }),
    ...(reviewDue && { reviewDue }),
    ...(meeting && { meeting }),
    closedBy: actor,
    closedAs,
    closedAt,
    ...(previous && { supersedes: previous.number }),
    ...(ballot.fastTrack && { fastTrack: true as const }),
  };
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      // The votes are those stored when the close is written, not when it was read.
      const open = openBallot(r);
      if (!open || open.number !== decision.number) return r;
      const final = tally(open.votes);
      if (final.majority !== counted.majority || final.cast < quorum) return r;
      const recorded = { ...decision, votes: open.votes };
      if (approver) return recommended(withRecommendation(r, recorded), recorded, approver, input.origin);
      return {
        record: afterDecision(deps, withDecision(r, recorded, today(deps), deps.calendar), recorded, input.origin),
        ...decisionWrites(recorded, previous),
      };
    },
    { known: read },
  );
  const recorded = approver ? record.panel?.recommendation : record.panel?.decisions.at(-1);
  if (recorded?.number !== decision.number || recorded.closedAt !== closedAt || recorded.closedBy !== actor) {
    // Someone else closed it first, or a vote changed the majority (or the quorum) meanwhile: show them where it stands.
    const open = openBallot(record);
    if (open?.number !== ballot.number) return { status: 'closed', record };
    const cast = tally(open.votes).cast;
    if (cast < quorum) return { status: 'noQuorum', record, cast };
    const errors = { outcome: 'The votes changed while you were closing: check the result and close again' };
    return { status: 'invalid', record: await keepHolding(deps, record, open.number, actor), form, errors };
  }
  return { status: approver ? 'recommended' : 'decided', record, decision: recorded };
}

/**
 * What a decision owes, in its own write: the referrer told; a hold with a date ending by
 * itself, a case on hold having its reminders stopped; a review's reminders; both cards
 * brought up to date; and, for a decision that ends the process, the case closed.
 */
export function afterDecision(deps: ReviewDeps, record: CaseRecord, decision: DecisionRecord, origin: Origin): CaseRecord {
  const at = decision.approvedAt ?? decision.closedAt;
  const plan = { ...deps.partnership, calendar: deps.calendar };
  const feedback = {
    key: `feedback:${decision.number}`,
    kind: 'feedback' as const,
    dueAt: at,
    payload: { decision: String(decision.number), serviceUrl: origin.serviceUrl, ...(origin.tenantId && { tenantId: origin.tenantId }) },
  };
  const planned = withPlan(record, decision, today(deps), plan);
  const noticed = withDecisionNotices(planned.record, decision.notices, today(deps), plan);
  let next = owe(
    noticed.record,
    feedback,
    ...holdEndOwed(record, deps.partnership),
    ...reviewRemindersOwed(record, today(deps), plan),
    ...noticed.owed,
    ...reportRemindersOwed(record, decision, today(deps), plan, origin),
    ...planned.owed,
  );
  if (next.hold) next = withRemindersStopped(next, at);
  next = refreshCards(next, at);
  // A fast-track decision that ends the process closes the case once the panel has noted it.
  const closes = CLOSING_OUTCOMES.has(decision.outcome) && !decision.fastTrack;
  return closes ? withClosed(next, at, deps.partnership.retention.closedCaseYears) : next;
}

/** The decision's audit events and its record as an item of its own, added once and never replaced. */
export function decisionWrites(decision: DecisionRecord, previous: DecisionRecord | undefined): { audit: AuditEvent[]; items: CaseItem[] } {
  const { reference: caseId } = decision;
  const at = decision.approvedAt ?? decision.closedAt;
  const actor = decision.approvedBy ?? decision.closedBy;
  const counted = tally(decision.votes);
  const audit: AuditEvent[] = [
    {
      caseId,
      at,
      actor,
      action: 'decision.recorded',
      detail: `decision=${decision.number} outcome=${decision.outcome} votes=${counted.cast} conflicts=${counted.conflicts} casting=${decision.casting}${decision.approvedBy ? ' approved=true' : ''}`,
    },
  ];
  if (previous)
    audit.push({ caseId, at, actor, action: 'decision.superseded', detail: `decision=${previous.number} by=${decision.number}` });
  if (CLOSING_OUTCOMES.has(decision.outcome) && !decision.fastTrack)
    audit.push({ caseId, at, actor: 'panel', action: 'case.closed', detail: `decision=${decision.number}` });
  return { audit, items: [{ caseId, id: `decision:${decision.number}`, type: 'decision', at, doc: decision }] };
}
