import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { arrangeMeeting, recordMeetingOutcome } from '../../review/meeting-actions.js';
import { originOf } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { planAnswer } from './plan.js';

const submission = z.object({ submissionId: z.string().uuid() });

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
  const said = {
    arranged: 'The meeting is arranged: each invitee is told one to one who else is invited.',
    unchanged: 'That is recorded already.',
  };
  return planAnswer(deps, 'meeting.arrange', { reference: action.reference, data }, result, said);
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
  const said = { recorded: "The meeting's outcome is recorded.", unchanged: 'That is recorded already.' };
  return planAnswer(deps, 'meeting.record', { reference: action.reference, data }, result, said);
}
