import type { TurnContext } from 'botbuilder';
import { collationCard, rapidReviewStartCard } from '../../cards/rapid-review-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise, type CaseRecord } from '../../review/case.js';
import { localDateOf } from '../../review/local-date.js';
import { coreAgencies, proposedReturnsDue, withPanelAfterRequests } from '../../review/rapid-review.js';
import { closeReturns, collation, resendUndelivered, startRapidReview } from '../../review/rapid-review-actions.js';
import { conversationKind, originOf } from '../caller.js';
import { runAfterTurn } from '../after-turn.js';
import { caseCardOf, reviewContext } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, caseCardCommand, NOT_FOUND } from './card-data.js';

export const BUSINESS_UNIT_ONLY = 'Only the business unit can do that.';
export const COLLATION_REFUSED = 'Only the business unit and the panel can read the collated returns.';

/** The case a business-unit member's button is about, or the answer to give anyone else. */
export async function businessUnitCase(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<CaseRecord | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  if (!deps.review.directory.hasRole(action.caller.aadObjectId, 'businessUnit')) return BUSINESS_UNIT_ONLY;
  return (await deps.review.store.getCase(action.reference)) ?? NOT_FOUND;
}

/**
 * `rapidReview.start`: the start card for a business-unit member, with the core agencies
 * chosen and the due date Panel proposes from the case's clocks.
 */
export async function chooseRapidReview(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const record = await businessUnitCase(context, deps, data);
  if (typeof record === 'string') return record;
  if (record.rapidReview) return caseCardOf(deps, record);
  const { partnership, calendar, now } = deps.review;
  const today = localDateOf(now(), partnership.timezone);
  // Requests sent today list the case for the next panel far enough ahead of today.
  const listed = withPanelAfterRequests(record, today, { panel: partnership.panel, settings: partnership.clocks, calendar });
  return rapidReviewStartCard({
    record: anonymise(listed),
    agencies: partnership.agencies,
    form: {
      agencies: coreAgencies(partnership).join(','),
      dueOn: proposedReturnsDue(listed, today, calendar, partnership.clocks),
    },
    earliest: calendar.addWorkingDays(today, 1),
  });
}

/**
 * `rapidReview.confirm`: starts the rapid review once, then sends the requests after
 * the answer. The business-unit member sees the case's card with its progress.
 */
export async function confirmRapidReview(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await startRapidReview(deps.review, { ...action, data, origin: originOf(context) });
  deps.log.info({ verb: 'rapidReview.confirm', reference: action.reference, outcome: result.status }, 'rapid review');
  switch (result.status) {
    case 'refused':
      return BUSINESS_UNIT_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'invalid': {
      const { calendar, partnership, now } = deps.review;
      return rapidReviewStartCard({
        record: anonymise(result.record),
        agencies: partnership.agencies,
        form: result.form,
        errors: result.errors,
        earliest: calendar.addWorkingDays(localDateOf(now(), partnership.timezone), 1),
      });
    }
    case 'alreadyStarted':
    case 'started':
      // The requests were owed in the start's own write; a repeat (a redelivery, a second
      // press) finds them done or under way, and does only what a crash left.
      runAfterTurn(deps, result.record.reference);
      return caseCardOf(deps, result.record);
  }
}

/**
 * `rapidReview.resend`: tries again to reach the leads Panel could not (once they have
 * opened Panel in Teams). Each attempt is owed once, so pressing twice sends once.
 */
export async function resendRequests(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await resendUndelivered(deps.review, { ...action, origin: originOf(context) });
  if (result.status === 'refused') return BUSINESS_UNIT_ONLY;
  if (result.status !== 'resent') return NOT_FOUND;
  deps.log.info({ verb: 'rapidReview.resend', reference: action.reference, targets: result.count }, 'rapid review');
  runAfterTurn(deps, action.reference);
  return caseCardOf(deps, result.record);
}

/** `rapidReview.close`: the business unit closes returns; the card shows them collated. */
export async function closeReturnsNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await closeReturns(deps.review, action);
  deps.log.info({ verb: 'rapidReview.close', reference: action.reference, outcome: result.status }, 'rapid review');
  if (!('record' in result)) {
    return result.status === 'refused'
      ? BUSINESS_UNIT_ONLY
      : result.status === 'notFound'
        ? NOT_FOUND
        : 'The rapid review of this case has not started.';
  }
  const reference = result.record.reference;
  if (result.status === 'closed') runAfterTurn(deps, reference);
  return caseCardOf(deps, result.record);
}

/**
 * `collation REF-…` in a personal chat: the collated returns, one to one, for the
 * business unit and the panel (whose members need not be in the business unit's channel).
 */
export const collationCommand = (context: TurnContext, deps: PanelDeps) =>
  caseCardCommand(context, 'collation', (data) => viewCollation(context, deps, data));

/**
 * `rapidReview.viewCollation`: the returns, agency by agency, for the business unit and
 * the panel. An Action.Execute answer is seen only by the person who pressed, so a
 * channel keeps its anonymised card.
 */
export async function viewCollation(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, COLLATION_REFUSED);
  if (typeof action === 'string') return action;
  const agencyId = typeof data.agencyId === 'string' ? data.agencyId : undefined;
  const result = await collation(deps.review, { ...action, ...(agencyId && { agencyId }) });
  deps.log.info({ verb: 'rapidReview.viewCollation', reference: action.reference, outcome: result.status }, 'collation view');
  if (!('record' in result)) {
    return result.status === 'notReady'
      ? 'The returns are not collated yet: they are collated when all are in, or when the business unit closes them.'
      : COLLATION_REFUSED;
  }
  const { partnership } = deps.review;
  const requested = new Set(result.record.rapidReview?.requests.map((r) => r.agencyId));
  return collationCard({
    record: anonymise(result.record),
    agencies: partnership.agencies.filter((a) => requested.has(a.id)),
    returns: result.returns,
    nameOf: reviewContext(deps).nameOf,
    inChannel: conversationKind(context) === 'channel',
    fromPanel: data.from === 'panel',
    ...(agencyId && { agencyId }),
    // Only what the panel may read of it: never the person's or the family's names, dates of birth or addresses.
    referral: {
      reasons: result.record.referral.reasons,
      summary: result.record.referral.summary,
      parallelProcesses: result.record.referral.parallelProcesses,
      professionals: result.record.referral.professionals,
    },
  });
}
