import type { TurnContext } from 'botbuilder';
import { caseDetailsCard, channelCaseCard } from '../../cards/case-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise } from '../../review/case.js';
import { viewCase } from '../../review/view-case.js';
import { callerOf, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { caseEnvelope } from './card-data.js';

const NOT_FOUND = 'That case could not be found.';
export const DETAILS_REFUSED = 'Only the business unit can see the details of a referral.';

/**
 * `case.viewDetails` on a channel card. The answer to an Action.Execute replaces the
 * card for the person who pressed it alone, so the details reach one business-unit
 * member and the channel keeps the anonymised card. Everyone else is refused.
 */
export async function viewCaseDetails(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = caseEnvelope.safeParse(data);
  if (!envelope.success) return NOT_FOUND;
  const reference = envelope.data.reference;
  const view = await viewCase(deps.review, { caller, reference, via: 'channel' });
  deps.log.info({ verb: 'case.viewDetails', reference, access: view.access }, 'case view');
  if (view.access === 'details') return caseDetailsCard(view.record, { inChannel: true });
  if (view.access === 'none' && view.anonymous) return channelCaseCard(view.anonymous, DETAILS_REFUSED);
  return NOT_FOUND;
}

/** `case.hideDetails`: back to the anonymised channel card. */
export async function hideCaseDetails(
  _context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const envelope = caseEnvelope.safeParse(data);
  if (!envelope.success) return NOT_FOUND;
  const record = await deps.review.store.getCase(envelope.data.reference);
  return record ? channelCaseCard(anonymise(record)) : NOT_FOUND;
}
