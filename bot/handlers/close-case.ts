import type { TurnContext } from 'botbuilder';
import { closeCaseCard } from '../../cards/case-forms.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise } from '../../review/case.js';
import { closeCase, reviewUnfinished } from '../../review/close-case.js';
import { runAfterTurn } from '../after-turn.js';
import { caseCardOf } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { BUSINESS_UNIT_ONLY, businessUnitCase } from './rapid-review.js';

const unfinishedWords = (reference: string, reason: string) =>
  `${reference}'s review is still under way: ${reason}. Nothing was changed; the case closes once its review is carried out.`;

/** `case.close`: what closing means, for a business-unit member to confirm. */
export async function chooseClose(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const record = await businessUnitCase(context, deps, data);
  if (typeof record === 'string') return record;
  if (record.closedAt) return caseCardOf(deps, record);
  const unfinished = reviewUnfinished(record);
  if (unfinished) return unfinishedWords(record.reference, unfinished);
  return closeCaseCard({ record: anonymise(record), retentionYears: deps.review.partnership.retention.closedCaseYears });
}

/** `case.confirmClose`: closes the case once, however often it is pressed; its retention starts and its cards show it. */
export async function confirmClose(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await closeCase(deps.review, action);
  deps.log.info({ verb: 'case.confirmClose', reference: action.reference, outcome: result.status }, 'close');
  if (!('record' in result)) return result.status === 'refused' ? BUSINESS_UNIT_ONLY : NOT_FOUND;
  if (result.status === 'reviewUnfinished') return unfinishedWords(action.reference, result.reason);
  if (result.status === 'closed') runAfterTurn(deps, action.reference);
  return caseCardOf(deps, result.record);
}
