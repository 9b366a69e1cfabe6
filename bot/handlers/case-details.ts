import type { TurnContext } from 'botbuilder';
import { caseDetailsCard } from '../../cards/case-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { viewCase } from '../../review/view-case.js';
import { callerOf, NO_IDENTITY } from '../caller.js';
import { caseCardOf, detailsOptions } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, caseEnvelope, NOT_FOUND } from './card-data.js';

/**
 * One answer for a refusal and for a reference that does not exist, so that pressing
 * buttons on forged cards tells nobody which references exist.
 */
export const DETAILS_REFUSED = 'Only the business unit can see the details of a referral.';

/**
 * `case.viewDetails` on a channel card. The answer to an Action.Execute replaces the
 * card for the person who pressed it alone, so the details reach one business-unit
 * member and the channel keeps the anonymised card. Everyone else is refused, audited.
 */
export async function viewCaseDetails(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, DETAILS_REFUSED);
  if (typeof action === 'string') return action;
  const { caller, reference } = action;
  const view = await viewCase(deps.review, { caller, reference, via: 'channel' });
  deps.log.info({ verb: 'case.viewDetails', reference, access: view.access }, 'case view');
  if (view.access === 'details') return caseDetailsCard(view.record, detailsOptions(deps, view.record, true));
  if (deps.review.directory.hasRole(caller.aadObjectId, 'businessUnit')) return NOT_FOUND;
  return DETAILS_REFUSED;
}

/**
 * `case.hideDetails`: back to the anonymised channel card. Only a business-unit
 * member has details to hide; anyone else gets the same refusal as for viewing.
 */
export async function hideCaseDetails(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  // The business unit hides the details; it and the panel hide the collation.
  const mayHide = (['businessUnit', 'panelMember', 'independentChair'] as const).some((role) =>
    deps.review.directory.hasRole(caller.aadObjectId, role),
  );
  if (!mayHide) return DETAILS_REFUSED;
  const envelope = caseEnvelope.safeParse(data);
  if (!envelope.success) return NOT_FOUND;
  const record = await deps.review.store.getCase(envelope.data.reference);
  return record ? caseCardOf(deps, record) : NOT_FOUND;
}
