import type { TurnContext } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { z } from 'zod';
import { actionsCard, type ListedAction } from '../../cards/action-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { addAction, signOffAction, updateAction } from '../../review/action-plan-actions.js';
import type { CaseRecord } from '../../review/case.js';
import { parseReference } from '../../review/case.js';
import { allOpenCases } from '../../review/agenda.js';
import type { Caller } from '../../review/deps.js';
import { localDateOf } from '../../review/local-date.js';
import { runAfterTurn } from '../after-turn.js';
import { callerOf, NO_IDENTITY, originOf, personalCaller } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { planAnswer } from './plan.js';

export const NOT_YOURS = 'Only the action’s owner, or a lead of its agency, can update it. Nothing was changed.';
export const LEARNING_GROUP_ONLY = 'Only the Learning and Improvement Group signs actions off. Nothing was changed.';

/** Which case's action a choice names: `REF-…|<id>`. Never who may change it. */
const actionChoice = z.string().transform((s, ctx) => {
  const [ref, id] = s.split('|');
  const reference = parseReference(ref ?? '');
  if (!reference || !id || !/^[0-9a-f-]{36}$/.test(id)) ctx.addIssue({ code: 'custom', message: 'Choose an action' });
  return { reference: reference ?? '', actionId: id ?? '' };
});

/** Who sees which actions: the group and the business unit every open one; an owner (and their agency's leads) theirs. */
function visibleActions(deps: PanelDeps, caller: Caller, cases: readonly CaseRecord[]): { listed: ListedAction[]; oversees: boolean } {
  const { directory, partnership } = deps.review;
  const person = directory.find(caller.aadObjectId);
  const oversees = directory.hasRole(caller.aadObjectId, 'learningGroup') || directory.hasRole(caller.aadObjectId, 'businessUnit');
  const me = caller.aadObjectId.toLowerCase();
  const listed = cases.flatMap((record) =>
    (record.recommendations ?? []).flatMap((recommendation) =>
      recommendation.actions
        .filter((a) => oversees || a.owner === me || (person?.agency === a.agencyId && person.roles.includes('lead')))
        .map((action) => ({
          reference: record.reference,
          descriptor: record.descriptor,
          recommendation,
          action,
          agencyName: partnership.agencies.find((x) => x.id === action.agencyId)?.name ?? action.agencyId,
        })),
    ),
  );
  return { listed, oversees };
}

/** The actions card for the caller, as of now. */
async function actionsCardFor(
  deps: PanelDeps,
  caller: Caller,
  extra: Pick<Parameters<typeof actionsCard>[0], 'form' | 'errors' | 'notice'> = {},
) {
  const cases = await allOpenCases(deps.review.store);
  const { listed, oversees } = visibleActions(deps, caller, cases);
  const mine = listed.filter((a) => !oversees || a.action.owner === caller.aadObjectId.toLowerCase());
  return actionsCard({
    title: oversees ? 'Review actions: every open action, by agency' : 'Your review actions',
    actions: oversees ? listed : mine,
    today: localDateOf(deps.review.now(), deps.review.partnership.timezone),
    canUpdate: !oversees || mine.length > 0,
    canSignOff: deps.review.directory.hasRole(caller.aadObjectId, 'learningGroup'),
    ...extra,
  });
}

/** `actions` in a personal chat: the caller's actions, or (for the group and the business unit) every open one. */
export async function actionsCommand(context: TurnContext, deps: PanelDeps): Promise<void> {
  const caller = await personalCaller(context);
  if (!caller) return;
  const card = await actionsCardFor(deps, caller);
  deps.log.info({ command: 'actions' }, 'actions');
  await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
}

/** `action.add`: the business unit adds an action to the review's plan; its owner is reminded before it is due. */
export async function addActionNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const envelope = z.object({ submissionId: z.string().uuid() }).safeParse(data);
  if (!envelope.success) return NOT_FOUND;
  const result = await addAction(deps.review, { ...action, submissionId: envelope.data.submissionId, data, origin: originOf(context) });
  const said = { added: 'The action is added; its owner is reminded before it is due.', unchanged: 'That action is added already.' };
  return planAnswer(deps, 'action.add', { reference: action.reference, data }, result, said);
}

function chosen(context: TurnContext, data: Record<string, unknown>, field: 'actionKey' | 'signOffKey') {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const parsed = actionChoice.safeParse(data[field]);
  return { caller, choice: parsed.success ? parsed.data : undefined };
}

/** `action.update`: the owner's status and evidence; the card comes back as it now stands. */
export async function updateActionNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const input = chosen(context, data, 'actionKey');
  if (typeof input === 'string') return input;
  const form = {
    actionKey: typeof data.actionKey === 'string' ? data.actionKey : '',
    status: String(data.status ?? ''),
    evidence: String(data.evidence ?? ''),
  };
  if (!input.choice) return actionsCardFor(deps, input.caller, { form, errors: { actionKey: 'Choose an action' } });
  const result = await updateAction(deps.review, { caller: input.caller, ...input.choice, data });
  deps.log.info({ verb: 'action.update', reference: input.choice.reference, outcome: result.status }, 'action plan');
  if (result.status === 'refused') return NOT_YOURS;
  if (result.status === 'notFound') return actionsCardFor(deps, input.caller, { form, errors: { actionKey: 'Choose an action' } });
  if (result.status === 'invalid')
    return actionsCardFor(deps, input.caller, { form: { ...result.form, actionKey: form.actionKey }, errors: result.errors });
  if (result.status === 'updated') runAfterTurn(deps, result.record.reference);
  const notice = { updated: 'The action is updated.', unchanged: 'Nothing changed.', signedOff: 'That action is signed off already.' }[
    result.status
  ];
  return actionsCardFor(deps, input.caller, { notice });
}

/** `action.signOff`: the Learning and Improvement Group signs a done action off. */
export async function signOffActionNow(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const input = chosen(context, data, 'signOffKey');
  if (typeof input === 'string') return input;
  if (!input.choice) return actionsCardFor(deps, input.caller, { errors: { signOffKey: 'Choose an action' } });
  const result = await signOffAction(deps.review, { caller: input.caller, ...input.choice });
  deps.log.info({ verb: 'action.signOff', reference: input.choice.reference, outcome: result.status }, 'action plan');
  if (result.status === 'refused') return LEARNING_GROUP_ONLY;
  if (result.status === 'notFound') return actionsCardFor(deps, input.caller, { errors: { signOffKey: 'Choose an action' } });
  if (result.status === 'notDone')
    return actionsCardFor(deps, input.caller, { errors: { signOffKey: 'Only a done action can be signed off' } });
  if (result.status === 'signedOff') runAfterTurn(deps, result.record.reference);
  return actionsCardFor(deps, input.caller, {
    notice: result.status === 'signedOff' ? 'The action is signed off.' : 'That action is signed off already.',
  });
}
