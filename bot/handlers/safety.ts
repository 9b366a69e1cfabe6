import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { acknowledgeSafety } from '../../review/safety-actions.js';
import { safetyCard } from '../../cards/case-forms.js';
import { anonymise } from '../../review/case.js';
import { runAfterTurn } from '../after-turn.js';
import type { PanelDeps } from '../deps.js';
import { concernDetails, reportedBy, safetyCardFor } from '../effects/safety.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { BUSINESS_UNIT_ONLY } from './rapid-review.js';

/** Which concern a card is about: never who may acknowledge it, which comes from the caller's identity. */
const concernEnvelope = z.object({ concern: z.string().regex(/^(referral|return:[a-z][a-z0-9-]*:[0-9a-f-]{36})$/) });

/** `safety.acknowledge`: a member of the business unit says what was done; recorded once, audited; the card's flag goes. */
export async function acknowledge(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const envelope = concernEnvelope.safeParse(data);
  if (!envelope.success) return NOT_FOUND;
  const result = await acknowledgeSafety(deps.review, { ...action, concern: envelope.data.concern, data });
  deps.log.info({ verb: 'safety.acknowledge', reference: action.reference, outcome: result.status }, 'safety concern');
  if (!('record' in result)) return result.status === 'refused' ? BUSINESS_UNIT_ONLY : NOT_FOUND;
  if (result.status === 'invalid') {
    return safetyCard({
      record: anonymise(result.record),
      concern: result.concern.id,
      reportedBy: reportedBy(deps, result.concern),
      details: await concernDetails(deps, result.record, result.concern),
      form: result.form,
      errors: result.errors,
    });
  }
  if (result.status === 'acknowledged') runAfterTurn(deps, action.reference);
  return safetyCardFor(deps, result.record, result.concern);
}
