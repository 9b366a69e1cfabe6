import type { TurnContext } from 'botbuilder';
import { answeredCard, approvalCard } from '../../cards/decision-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { answerRecommendation, type Answer } from '../../review/approval-actions.js';
import type { CaseRecord } from '../../review/case.js';
import { runAfterTurn } from '../after-turn.js';
import { originOf } from '../caller.js';
import { decisionView } from '../decision-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';

export const APPROVERS_ONLY = "Only the approver the partnership names for this kind of case answers the panel's recommendation.";

/** Where the case stands for its approver, once their answer (or an earlier one) is in. */
function answered(deps: PanelDeps, record: CaseRecord, said: string): AdaptiveCardJson | string {
  const view = decisionView(deps, record);
  return view ? answeredCard(view, said) : NOT_FOUND;
}

/** `decision.approve` and `decision.sendBack`: the approver of the case's kind answers the recommendation. */
const answerWith =
  (answer: Answer) =>
  async (context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> => {
    const action = caseAction(context, data, NOT_FOUND);
    if (typeof action === 'string') return action;
    const result = await answerRecommendation(deps.review, { ...action, answer, data, origin: originOf(context) });
    deps.log.info({ verb: `decision.${answer}`, reference: action.reference, outcome: result.status }, 'approval');
    switch (result.status) {
      case 'refused':
        return APPROVERS_ONLY;
      case 'notFound':
        return NOT_FOUND;
      case 'invalid': {
        const view = decisionView(deps, result.record);
        return view
          ? approvalCard(
              { ...view, decision: result.recommendation, awaitingApproval: true },
              { reason: result.reason, error: result.error },
            )
          : NOT_FOUND;
      }
      case 'answered':
        return answered(deps, result.record, 'This recommendation has been answered already.');
      case 'approved':
        runAfterTurn(deps, result.record.reference);
        return answered(deps, result.record, 'You approved the decision. The referrer is being told.');
      case 'sentBack':
        runAfterTurn(deps, result.record.reference);
        return answered(deps, result.record, 'You sent it back. The chair is told why, and the panel votes again.');
    }
  };

export const approveDecision = answerWith('approve');
export const sendBackDecision = answerWith('sendBack');
