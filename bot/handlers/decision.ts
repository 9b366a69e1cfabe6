import type { TurnContext } from 'botbuilder';
import { closeVoteCard, decisionCard, voterCard, type Viewer } from '../../cards/decision-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import type { CaseRecord } from '../../review/case.js';
import { closeFormOf, closeVote, leaveCloseForm, openCloseForm } from '../../review/close-vote.js';
import { castVote, closesAs, listForPanel, mayVote, quorumOf, reopenVote, votingOf } from '../../review/decision-actions.js';
import { noticesFor, outcomeName } from '../../review/decision.js';
import type { Caller } from '../../review/deps.js';
import { runAfterTurn } from '../after-turn.js';
import { originOf } from '../caller.js';
import { caseCardOf } from '../channel-card.js';
import { decisionView, viewerOf } from '../decision-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { BUSINESS_UNIT_ONLY } from './rapid-review.js';

export const VOTERS_ONLY = "Only the panel's members and the independent chair vote.";
export const NO_VOTE = 'This case has no panel vote yet: it gets one when the business unit posts the agenda.';

const closersOnly = (deps: PanelDeps) =>
  deps.review.partnership.panel.businessUnitCloses
    ? 'Only the independent chair or the business unit can close the vote.'
    : 'Only the independent chair can close the vote.';

/**
 * The caller's own view of the case's decision card, with anything to say at the top.
 * Someone who neither votes nor closes (the business unit, back from the collation) gets
 * the card everyone sees, told who votes.
 */
function ownView(deps: PanelDeps, record: CaseRecord, caller: Caller, extra: Partial<Viewer> = {}): AdaptiveCardJson | string {
  const view = decisionView(deps, record);
  if (!view) return NO_VOTE;
  const viewer = viewerOf(deps, view, caller.aadObjectId);
  return viewer.mayVote || viewer.mayClose ? voterCard(view, { ...viewer, ...extra }) : decisionCard(view, VOTERS_ONLY);
}

/** A closer back on the decision card from the close form: the shared card shows the latest again. */
async function backFromCloseForm(deps: PanelDeps, record: CaseRecord, caller: Caller): Promise<void> {
  if (await leaveCloseForm(deps.review, record, caller)) runAfterTurn(deps, record.reference);
}

/** The caller's own view, saying the vote cannot close until the quorum has voted. */
const tooFewVotes = (deps: PanelDeps, record: CaseRecord, caller: Caller, cast: number) =>
  ownView(deps, record, caller, {
    banner: {
      text: `The vote cannot close yet: ${quorumOf(deps.review, votingOf(record))} votes are needed and ${cast} have been cast.`,
      style: 'attention',
    },
  });

/**
 * `decision.show`: Teams' refresh of the decision card, its **Open my vote** button, or
 * **Hide** on the collation opened from it: for each voter (and each business-unit member
 * who may close), their own view; for the rest of the business unit, the card everyone
 * sees, told who votes. Anyone else is only told who votes.
 */
export async function showDecision(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const { aadObjectId } = action.caller;
  const { directory } = deps.review;
  if (!mayVote(deps.review, aadObjectId) && !directory.hasRole(aadObjectId, 'businessUnit')) return VOTERS_ONLY;
  const { store, now } = deps.review;
  const record = await store.getCase(action.reference);
  if (!record) return NOT_FOUND;
  const view = ownView(deps, record, action.caller);
  await backFromCloseForm(deps, record, action.caller);
  // A voter's view of a decided vote holds its rationale, which may name people: a view to record.
  const decided = record.panel?.ballot?.closedAt !== undefined;
  if (decided && (mayVote(deps.review, aadObjectId, votingOf(record)) || closesAs(deps.review, aadObjectId, record.kind))) {
    await store.appendAudit({
      caseId: record.reference,
      at: now().toISOString(),
      actor: aadObjectId,
      action: 'decision.viewed',
      detail: `decision=${record.panel?.ballot?.number}`,
    });
  }
  return view;
}

/**
 * `decision.vote`: a voter votes or changes their vote. They see it at once; everyone
 * else's card updates in place ("4 of 9 have voted"), and Teams refreshes the voters' views.
 */
export async function vote(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await castVote(deps.review, { ...action, data });
  deps.log.info({ verb: 'decision.vote', reference: action.reference, outcome: result.status }, 'vote');
  switch (result.status) {
    case 'refused':
      return VOTERS_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'invalid':
      return ownView(deps, result.record, action.caller, { error: result.error });
    case 'closed':
      return ownView(deps, result.record, action.caller, {
        banner: { text: 'The vote has closed: your vote was not counted. The result is below.', style: 'attention' },
      });
    default: {
      const reference = result.record.reference;
      if (result.status !== 'unchanged') runAfterTurn(deps, reference, result.version);
      const said =
        result.choice === 'conflict'
          ? 'You declared a conflict of interest and abstain.'
          : `Your vote is recorded: ${outcomeName(result.record.kind, result.choice)}.`;
      return ownView(deps, result.record, action.caller, { banner: { text: said, style: 'good' } });
    }
  }
}

/**
 * `decision.closeForm`: the chair's form to close the vote, once the quorum is met. Until
 * they close or go back, the shared card is held still, so an update does not take the
 * form (and what they typed) from them.
 */
export async function closeVoteForm(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await openCloseForm(deps.review, action);
  switch (result.status) {
    case 'refused':
      return closersOnly(deps);
    case 'notFound':
      return NOT_FOUND;
    case 'noBallot':
      return ownView(deps, result.record, action.caller);
    case 'noQuorum':
      return tooFewVotes(deps, result.record, action.caller, result.cast);
    case 'open': {
      const view = decisionView(deps, result.record);
      return view ? closeVoteCard(view, { ...closeFormOf({}).form, notices: noticesFor(result.record.kind).join(',') }) : NO_VOTE;
    }
  }
}

/**
 * `decision.close`: records the decision once, with every vote; the result shows on the
 * card; the referrer is told; the business unit's card updates.
 */
export async function closeVoteNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await closeVote(deps.review, { ...action, data, origin: originOf(context) });
  deps.log.info({ verb: 'decision.close', reference: action.reference, outcome: result.status }, 'decision');
  switch (result.status) {
    case 'refused':
      return closersOnly(deps);
    case 'notFound':
      return NOT_FOUND;
    case 'closed': {
      // Pressed again, or redelivered: what follows the decision was owed in its own write,
      // so this does only what a crash left undone.
      const { record } = result;
      runAfterTurn(deps, record.reference);
      return ownView(deps, record, action.caller);
    }
    case 'noQuorum':
      // A vote became a conflict while they wrote: they are back on the card, the form gone.
      await backFromCloseForm(deps, result.record, action.caller);
      return tooFewVotes(deps, result.record, action.caller, result.cast);
    case 'invalid': {
      const view = decisionView(deps, result.record);
      return view ? closeVoteCard(view, result.form, result.errors) : NO_VOTE;
    }
    case 'decided': {
      const { record } = result;
      runAfterTurn(deps, record.reference);
      return ownView(deps, record, action.caller, {
        banner: { text: 'The decision is recorded. The referrer is being told.', style: 'good' },
      });
    }
    case 'recommended': {
      const { record } = result;
      runAfterTurn(deps, record.reference);
      return ownView(deps, record, action.caller, {
        banner: {
          text: "The panel's recommendation is recorded and sent for approval. The referrer is told once it is approved.",
          style: 'good',
        },
      });
    }
  }
}

/** `decision.reopen`: the chair opens a new vote on a decided case; its decision will supersede this one. */
export async function reopen(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await reopenVote(deps.review, action);
  deps.log.info({ verb: 'decision.reopen', reference: action.reference, outcome: result.status }, 'decision');
  if (!('record' in result)) return result.status === 'refused' ? closersOnly(deps) : NOT_FOUND;
  const reference = result.record.reference;
  if (result.status === 'reopened') runAfterTurn(deps, reference);
  return ownView(deps, result.record, action.caller);
}

/** `case.listForPanel`: the business unit lists a case for the next panel before its returns are collated. */
export async function listCase(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await listForPanel(deps.review, action);
  deps.log.info({ verb: 'case.listForPanel', reference: action.reference, outcome: result.status }, 'listing');
  if (!('record' in result)) return result.status === 'refused' ? BUSINESS_UNIT_ONLY : NOT_FOUND;
  const reference = result.record.reference;
  if (result.status === 'listed') runAfterTurn(deps, reference);
  return caseCardOf(deps, result.record);
}
