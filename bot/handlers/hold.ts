import type { TurnContext } from 'botbuilder';
import { holdCard } from '../../cards/case-forms.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise } from '../../review/case.js';
import { putOnHold, takeOffHold } from '../../review/hold-actions.js';
import { localDateOf } from '../../review/local-date.js';
import { caseCardOf } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { runAfterTurn } from '../after-turn.js';
import { BUSINESS_UNIT_ONLY, businessUnitCase } from './rapid-review.js';
import { caseAction, NOT_FOUND } from './card-data.js';

const earliest = (deps: PanelDeps) =>
  deps.review.calendar.addWorkingDays(localDateOf(deps.review.now(), deps.review.partnership.timezone), 1);

/** `case.hold`: the hold card, for a business-unit member. */
export async function chooseHold(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const record = await businessUnitCase(context, deps, data);
  if (typeof record === 'string') return record;
  if (record.hold) return caseCardOf(deps, record);
  return holdCard({ record: anonymise(record), form: { reason: '', until: '' }, earliest: earliest(deps) });
}

/**
 * `case.confirmHold`: puts the case on hold, once however often it is pressed. A hold
 * with an end date ends by itself then, through the effects sweep.
 */
export async function confirmHold(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await putOnHold(deps.review, { ...action, data });
  deps.log.info({ verb: 'case.confirmHold', reference: action.reference, outcome: result.status }, 'hold');
  if (!('record' in result)) return result.status === 'refused' ? BUSINESS_UNIT_ONLY : NOT_FOUND;
  if (result.status === 'invalid') {
    return holdCard({ record: anonymise(result.record), form: result.form, errors: result.errors, earliest: earliest(deps) });
  }
  const { record } = result;
  if (result.status === 'held') runAfterTurn(deps, record.reference);
  return caseCardOf(deps, record);
}

/** `case.release`: takes the case off hold; its deadlines move on by the working days it was held. */
export async function releaseHold(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await takeOffHold(deps.review, action);
  deps.log.info({ verb: 'case.release', reference: action.reference, outcome: result.status }, 'hold');
  if (result.status === 'refused') return BUSINESS_UNIT_ONLY;
  if (result.status === 'notFound') return NOT_FOUND;
  const record = result.status === 'released' ? result.record : await deps.review.store.getCase(action.reference);
  if (!record) return NOT_FOUND;
  if (result.status === 'released') runAfterTurn(deps, record.reference);
  return caseCardOf(deps, record);
}
