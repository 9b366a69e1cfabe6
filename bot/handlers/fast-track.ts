import type { TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { sendToFastTrack } from '../../review/fast-track.js';
import { runAfterTurn } from '../after-turn.js';
import { caseCardOf } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { BUSINESS_UNIT_ONLY } from './rapid-review.js';

export const NO_SUBGROUP = 'This partnership has no fast-track subgroup: its file names none (fastTrack).';

/**
 * `case.fastTrack`: the business unit sends a serious child incident to the fast-track
 * subgroup, before its rapid review date; the subgroup votes on its decision card.
 */
export async function fastTrack(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await sendToFastTrack(deps.review, action);
  deps.log.info({ verb: 'case.fastTrack', reference: action.reference, outcome: result.status }, 'fast track');
  switch (result.status) {
    case 'refused':
      return BUSINESS_UNIT_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'noSubgroup':
      return NO_SUBGROUP;
    case 'notOpen':
      return `${result.record.reference} cannot go to fast track: ${result.why}`;
    case 'sent':
      runAfterTurn(deps, result.record.reference);
      return caseCardOf(deps, result.record);
  }
}
