import type { TurnContext } from 'botbuilder';
import { dutyCard } from '../../cards/case-forms.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise } from '../../review/case.js';
import { recordDuty } from '../../review/duty-actions.js';
import { runAfterTurn } from '../after-turn.js';
import { caseCardOf } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { BUSINESS_UNIT_ONLY, businessUnitCase } from './rapid-review.js';

/** `duty.choose`: the statutory duties not yet done, for a business-unit member to record one. */
export async function chooseDuty(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const record = await businessUnitCase(context, deps, data);
  if (typeof record === 'string') return record;
  const view = anonymise(record);
  const open = view.duties.filter((d) => !d.doneOn);
  if (open.length === 0) return caseCardOf(deps, record);
  return dutyCard({ record: view, form: { duty: open.length === 1 ? open[0]!.kind : '', notification: '' } });
}

/** `duty.record`: records the duty once, however often it is pressed; its reminders stop and the card shows it. */
export async function recordDutyNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await recordDuty(deps.review, { ...action, data });
  deps.log.info({ verb: 'duty.record', reference: action.reference, outcome: result.status }, 'statutory duty');
  if (!('record' in result)) return result.status === 'refused' ? BUSINESS_UNIT_ONLY : NOT_FOUND;
  if (result.status === 'invalid') return dutyCard({ record: anonymise(result.record), form: result.form, errors: result.errors });
  if (result.status === 'recorded') runAfterTurn(deps, action.reference);
  return caseCardOf(deps, result.record);
}
