/**
 * The panel's vote and decision, as the people who act on them see it: the business
 * unit opens the vote (posting the agenda) or lists a case by hand; voters vote and
 * change their vote; the chair (or the business unit, where the partnership allows)
 * closes it with a rationale, or reopens a decided case. Every action is checked
 * against the caller's identity and audited.
 */
import { z } from 'zod';
import type { CaseRecord } from './case.js';
import {
  awaitsPanel,
  noticesFor,
  openBallot,
  outcomesFor,
  reviewDueOn,
  reviewerFor,
  REVIEWERS,
  tally,
  withBallot,
  withDecision,
  withVote,
  type Choice,
  type DecisionRecord,
  type Notice,
  type Outcome,
  type Reviewer,
} from './decision.js';
import { todayFor as today, type Caller, type ReviewDeps } from './deps.js';
import { parseLocalDate, type LocalDate } from './local-date.js';
import { VOTING_ROLES } from './partnership.js';
import { readCardForm } from './card-form.js';
import { updateCase } from './update-case.js';

/** The longest rationale: it goes to the referrer, so it must fit a card. */
export const RATIONALE_MAX = 3000;

/**
 * Voters voting in the same moment write the same case: each conflict means another
 * vote was stored, so with the 60 voters Teams allows, this many attempts always land.
 */
const VOTE_ATTEMPTS = 64;

export const mayVote = (deps: ReviewDeps, aadObjectId: string): boolean =>
  VOTING_ROLES.some((role) => deps.directory.hasRole(aadObjectId, role));

/** The independent chair closes the vote; the business unit too, if the partnership file says so. */
export function closesAs(deps: ReviewDeps, aadObjectId: string): DecisionRecord['closedAs'] | undefined {
  if (deps.directory.hasRole(aadObjectId, 'independentChair')) return 'independentChair';
  if (deps.partnership.panel.businessUnitCloses && deps.directory.hasRole(aadObjectId, 'businessUnit')) return 'businessUnit';
  return undefined;
}

/** Everyone who may vote, by Entra object id (lower case). */
export const voters = (deps: ReviewDeps): string[] =>
  deps.partnership.people.filter((p) => p.roles.some((r) => VOTING_ROLES.includes(r))).map((p) => p.aadObjectId.toLowerCase());

/**
 * Opens the vote on each case the business unit brings to a panel (posting its agenda).
 * A case whose vote is open keeps it; a case decided on hold gets a new one.
 */
export async function openVotes(deps: ReviewDeps, input: { caller: Caller; references: string[]; panelDate?: LocalDate }): Promise<CaseRecord[]> {
  const opened: CaseRecord[] = [];
  for (const reference of input.references) {
    let created = false;
    const record = await updateCase(deps.store, reference, (r) => {
      const next = awaitsPanel(r) ? withBallot(r, deps.now().toISOString(), input.panelDate) : r;
      created = next !== r;
      return next;
    });
    if (created) {
      await deps.store.appendAudit({
        caseId: reference,
        at: deps.now().toISOString(),
        actor: input.caller.aadObjectId,
        action: 'vote.opened',
        detail: `ballot=${record.panel?.ballot?.number} panel=${input.panelDate ?? 'none'}`,
      });
    }
    if (openBallot(record)) opened.push(record);
  }
  return opened;
}

export type ListResult = { status: 'refused' | 'notFound' } | { status: 'listed' | 'alreadyListed'; record: CaseRecord };

/** The business unit lists a case for the next panel before its returns are collated. */
export async function listForPanel(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<ListResult> {
  if (!deps.directory.hasRole(input.caller.aadObjectId, 'businessUnit')) return { status: 'refused' };
  const current = await deps.store.getCase(input.reference);
  if (!current) return { status: 'notFound' };
  if (awaitsPanel(current) || current.closedAt || current.panel?.decisions.length) return { status: 'alreadyListed', record: current };
  let listed = false;
  const record = await updateCase(deps.store, input.reference, (r) => {
    listed = !awaitsPanel(r) && !r.panel?.decisions.length;
    return listed ? { ...r, panel: { decisions: [], ...r.panel, listedBy: input.caller.aadObjectId } } : r;
  });
  if (!listed) return { status: 'alreadyListed', record };
  await deps.store.appendAudit({ caseId: record.reference, at: deps.now().toISOString(), actor: input.caller.aadObjectId, action: 'case.listed' });
  return { status: 'listed', record };
}

/** A voter's choices on a case: the outcomes open to its kind, or a conflict of interest. */
const choicesFor = (record: CaseRecord): [Choice, ...Choice[]] => ['conflict', ...outcomesFor(record.kind)];

const ballotNumber = z.coerce.number({ message: 'not a vote' }).int().min(1);

export type VoteResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'invalid'; record: CaseRecord; error: string }
  /** The vote had closed (or been replaced by a newer one) before this one arrived. */
  | { status: 'closed'; record: CaseRecord }
  | { status: 'voted' | 'changed' | 'unchanged'; record: CaseRecord; choice: Choice };

/** A voter votes, or changes their vote, while the vote is open. Only their own vote. */
export async function castVote(deps: ReviewDeps, input: { caller: Caller; reference: string; data: Record<string, unknown> }): Promise<VoteResult> {
  const actor = input.caller.aadObjectId;
  const current = await deps.store.getCase(input.reference);
  const refuse = async (why: string) =>
    deps.store.appendAudit({ caseId: input.reference, at: deps.now().toISOString(), actor, action: 'vote.refused', detail: why });
  // Refused before anything is said of the case: whether a reference exists is need-to-know too.
  if (!mayVote(deps, actor)) {
    if (current) await refuse('not a voter');
    return { status: 'refused' };
  }
  if (!current) return { status: 'notFound' };
  const open = openBallot(current);
  const number = ballotNumber.safeParse(input.data.ballot);
  if (!open || !number.success || number.data !== open.number) {
    await refuse(`ballot=${number.success ? number.data : '?'} closed`);
    return { status: 'closed', record: current };
  }
  const ballot = number.data;
  const choice = z.enum(choicesFor(current)).safeParse(input.data.choice);
  if (!choice.success) return { status: 'invalid', record: current, error: 'Choose an outcome, or declare a conflict of interest' };

  const voter = actor.toLowerCase();
  const vote = { voter, choice: choice.data, at: deps.now().toISOString() };
  let before: Choice | undefined;
  let counted = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      before = openBallot(r)?.votes.find((v) => v.voter === voter)?.choice;
      if (before === vote.choice) {
        counted = openBallot(r)?.number === ballot;
        return r;
      }
      const next = withVote(r, ballot, vote);
      counted = next !== r;
      return next;
    },
    VOTE_ATTEMPTS,
  );
  if (!counted) {
    await refuse(`ballot=${ballot} closed`);
    return { status: 'closed', record };
  }
  if (before === vote.choice) return { status: 'unchanged', record, choice: vote.choice };
  await deps.store.appendAudit({
    caseId: record.reference,
    at: vote.at,
    actor,
    action: before === undefined ? 'vote.cast' : 'vote.changed',
    detail: `ballot=${ballot} choice=${vote.choice}`,
  });
  return { status: before === undefined ? 'voted' : 'changed', record, choice: vote.choice };
}

/** What the chair types to close the vote. */
export interface CloseForm {
  outcome: string;
  rationale: string;
  reviewer: string;
  notices: string;
  holdUntil: string;
}
export type CloseErrors = Partial<Record<keyof CloseForm, string>>;

export type CloseResult =
  | { status: 'refused' | 'notFound' }
  /** Closed already: with the decision it closed with, when it is the one named, to finish what follows it. */
  | { status: 'closed'; record: CaseRecord; decision?: DecisionRecord }
  | { status: 'noQuorum'; record: CaseRecord; cast: number }
  | { status: 'invalid'; record: CaseRecord; form: CloseForm; errors: CloseErrors }
  | { status: 'decided'; record: CaseRecord; decision: DecisionRecord };

const CLOSE_FIELDS = ['outcome', 'rationale', 'reviewer', 'notices', 'holdUntil'] as const satisfies readonly (keyof CloseForm)[];

/** What the chair sent, as text, with any input that was not text named. */
export const closeFormOf = (data: Record<string, unknown>): { form: CloseForm; errors: CloseErrors } => readCardForm(CLOSE_FIELDS, data);

/**
 * The chair closes the vote: with the quorum met, the majority's outcome (or, on a tie
 * or no majority, the chair's casting decision), a rationale, the reviewer and the
 * notifications the outcome needs. Recorded once, with every vote, and never changed.
 */
export async function closeVote(deps: ReviewDeps, input: { caller: Caller; reference: string; data: Record<string, unknown> }): Promise<CloseResult> {
  const actor = input.caller.aadObjectId;
  const closedAs = closesAs(deps, actor);
  const current = await deps.store.getCase(input.reference);
  if (!closedAs) {
    if (current) await deps.store.appendAudit({ caseId: input.reference, at: deps.now().toISOString(), actor, action: 'vote.close.refused' });
    return { status: 'refused' };
  }
  if (!current) return { status: 'notFound' };
  const ballot = openBallot(current);
  const number = ballotNumber.safeParse(input.data.ballot);
  if (!ballot || !number.success || number.data !== ballot.number) {
    const decided = number.success ? current.panel?.decisions.find((d) => d.number === number.data) : undefined;
    // A close pressed again (or redelivered) after a crash: the decision's item is written once.
    if (decided) await keepDecision(deps, decided);
    return { status: 'closed', record: current, ...(decided && { decision: decided }) };
  }
  const counted = tally(ballot.votes);
  const quorum = deps.partnership.panel.quorum;
  if (counted.cast < quorum) return { status: 'noQuorum', record: current, cast: counted.cast };

  const { form, errors } = closeFormOf(input.data);
  const options = outcomesFor(current.kind);
  let outcome: Outcome | undefined = counted.majority;
  if (!outcome) {
    outcome = options.find((o) => o === form.outcome);
    if (!outcome) errors.outcome ??= 'There is no majority: give your casting decision';
  }
  if (form.rationale === '') errors.rationale ??= 'Give the reasons for the decision: the referrer is told them';
  else if (form.rationale.length > RATIONALE_MAX) errors.rationale = `Keep this to ${RATIONALE_MAX} characters or fewer (now ${form.rationale.length})`;
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
  if (Object.keys(errors).length > 0 || !outcome) return { status: 'invalid', record: current, form, errors };

  const closedAt = deps.now().toISOString();
  const previous = current.panel?.decisions.at(-1);
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
    ...(reviewer && { reviewer }),
    notices: notices as Notice[],
    ...(holdUntil && { holdUntil }),
    ...(reviewDue && { reviewDue }),
    closedBy: actor,
    closedAs,
    closedAt,
    ...(previous && { supersedes: previous.number }),
  };
  const record = await updateCase(deps.store, input.reference, (r) => {
    // The votes are those stored when the close is written, not when it was read.
    const open = openBallot(r);
    if (!open || open.number !== decision.number) return r;
    const final = tally(open.votes);
    if (final.majority !== counted.majority || final.cast < quorum) return r;
    return withDecision(r, { ...decision, votes: open.votes }, today(deps), deps.calendar);
  });
  const recorded = record.panel?.decisions.at(-1);
  if (recorded?.number !== decision.number || recorded.closedAt !== closedAt || recorded.closedBy !== actor) {
    // Someone else closed it first, or a vote changed the majority meanwhile: show them where it stands.
    return openBallot(record) ? { status: 'invalid', record, form, errors: { outcome: 'The votes changed while you were closing: check the result and close again' } } : { status: 'closed', record };
  }
  await keepDecision(deps, recorded);
  await deps.store.appendAudit({
    caseId: record.reference,
    at: closedAt,
    actor,
    action: 'decision.recorded',
    detail: `decision=${recorded.number} outcome=${recorded.outcome} votes=${tally(recorded.votes).cast} conflicts=${tally(recorded.votes).conflicts} casting=${recorded.casting}`,
  });
  if (previous) {
    await deps.store.appendAudit({ caseId: record.reference, at: closedAt, actor, action: 'decision.superseded', detail: `decision=${previous.number} by=${recorded.number}` });
  }
  return { status: 'decided', record, decision: recorded };
}

/** The decision as an item of its own, added once and never replaced. */
const keepDecision = (deps: ReviewDeps, decision: DecisionRecord) =>
  deps.store.addCaseItemOnce({ caseId: decision.reference, id: `decision:${decision.number}`, type: 'decision', at: decision.closedAt, doc: decision });

export type ReopenResult = { status: 'refused' | 'notFound' } | { status: 'reopened' | 'alreadyOpen'; record: CaseRecord };

/**
 * The chair (or the business unit, where allowed) reopens a decided case: a new vote,
 * whose decision will supersede the one in force. Audited.
 */
export async function reopenVote(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<ReopenResult> {
  const actor = input.caller.aadObjectId;
  if (!closesAs(deps, actor)) return { status: 'refused' };
  const current = await deps.store.getCase(input.reference);
  if (!current) return { status: 'notFound' };
  if (openBallot(current) || !current.panel?.decisions.length) return { status: 'alreadyOpen', record: current };
  let opened = false;
  const record = await updateCase(deps.store, input.reference, (r) => {
    const next = r.panel?.decisions.length ? withBallot(r, deps.now().toISOString(), undefined) : r;
    opened = next !== r;
    return next;
  });
  if (!opened) return { status: 'alreadyOpen', record };
  await deps.store.appendAudit({
    caseId: record.reference,
    at: deps.now().toISOString(),
    actor,
    action: 'vote.reopened',
    detail: `ballot=${record.panel?.ballot?.number}`,
  });
  return { status: 'reopened', record };
}
