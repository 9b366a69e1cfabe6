import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { arrangeMeeting, recordMeetingOutcome, type MeetingResult } from '../../review/meeting-actions.js';
import { runAfterTurn } from '../after-turn.js';
import { originOf } from '../caller.js';
import { caseCardOf } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { planCardFor } from './plan.js';
import { BUSINESS_UNIT_ONLY } from './rapid-review.js';

const submission = z.object({ submissionId: z.string().uuid() });

function answer(deps: PanelDeps, result: MeetingResult, done: string): AdaptiveCardJson | string {
  switch (result.status) {
    case 'refused':
      return BUSINESS_UNIT_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'noReview':
      return caseCardOf(deps, result.record);
    case 'invalid':
      return planCardFor(deps, result.record, { form: result.form, errors: result.errors });
    case 'unchanged':
      return planCardFor(deps, result.record, { notice: 'That is recorded already.' });
    case 'arranged':
    case 'recorded':
      runAfterTurn(deps, result.record.reference);
      return planCardFor(deps, result.record, { notice: done });
  }
}

/** `meeting.arrange`: a meeting arranged once, however often pressed; each invitee told one to one. */
export async function arrangeMeetingNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const envelope = submission.safeParse(data);
  if (!envelope.success) return NOT_FOUND;
  const result = await arrangeMeeting(deps.review, {
    ...action,
    submissionId: envelope.data.submissionId,
    data,
    origin: originOf(context),
  });
  deps.log.info({ verb: 'meeting.arrange', reference: action.reference, outcome: result.status }, 'meeting');
  return answer(deps, result, 'The meeting is arranged: each invitee is told one to one who else is invited.');
}

/** `meeting.record`: a meeting's minutes or outcome; the plan's step is done. */
export async function recordMeetingNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await recordMeetingOutcome(deps.review, { ...action, data });
  deps.log.info({ verb: 'meeting.record', reference: action.reference, outcome: result.status }, 'meeting');
  return answer(deps, result, "The meeting's outcome is recorded.");
}
