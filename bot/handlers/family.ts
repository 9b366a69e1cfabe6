import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { familyCard } from '../../cards/family-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise, type CaseRecord } from '../../review/case.js';
import type { Caller } from '../../review/deps.js';
import { showFamily as readFamily, updateFamily as saveFamily } from '../../review/family-actions.js';
import { CONTACT_NAMES } from '../../review/family.js';
import { localDateOf } from '../../review/local-date.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, caseCardCommand, NOT_FOUND } from './card-data.js';

export const FAMILY_ONLY = 'Only the business unit and the reviewer can see or change the family involvement log.';
export const FAMILY_STALE = 'This card is out of date: open the family involvement card again. Nothing was saved.';

const submission = z.object({ submissionId: z.string().uuid() });

/** Each card shown has a new submission id, so the next contact it logs is a new one. */
const cardFor = (
  deps: PanelDeps,
  caller: Caller,
  record: CaseRecord,
  extra: Partial<Pick<Parameters<typeof familyCard>[0], 'form' | 'errors' | 'notice' | 'submissionId'>> = {},
) =>
  familyCard({
    record: anonymise(record),
    ...(record.family && { family: record.family }),
    today: localDateOf(deps.review.now(), deps.review.partnership.timezone),
    submissionId: deps.newId(),
    closed: record.closedAt !== undefined,
    back: deps.review.directory.hasRole(caller.aadObjectId, 'businessUnit'),
    ...extra,
  });

/** `family.show`: the family log, to the business unit or the reviewer only; the view is audited. */
export async function showFamily(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await readFamily(deps.review, action);
  deps.log.info({ verb: 'family.show', reference: action.reference, outcome: result.status }, 'family');
  if (result.status !== 'shown') return result.status === 'refused' ? FAMILY_ONLY : NOT_FOUND;
  return cardFor(
    deps,
    action.caller,
    result.record,
    result.record.closedAt ? { notice: 'The case is closed: the log is kept as it was.' } : {},
  );
}

/** `family.update`: the involvement saved and a contact logged once; the card comes back with the log as it now is. */
export async function updateFamily(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const card = submission.safeParse(data);
  if (!card.success) return FAMILY_STALE;
  const { submissionId } = card.data;
  const result = await saveFamily(deps.review, { ...action, submissionId, data });
  deps.log.info({ verb: 'family.update', reference: action.reference, outcome: result.status }, 'family');
  switch (result.status) {
    case 'refused':
      return FAMILY_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'closed':
      return cardFor(deps, action.caller, result.record, { notice: 'The case is closed: nothing was changed.' });
    case 'invalid':
      // Nothing was stored under this submission: the corrected card may send it again.
      return cardFor(deps, action.caller, result.record, { form: result.form, errors: result.errors, submissionId });
    case 'unchanged':
      return cardFor(deps, action.caller, result.record, { notice: 'Nothing changed.' });
    case 'saved':
      return cardFor(deps, action.caller, result.record, {
        notice: result.logged ? `Saved, and the contact logged: ${CONTACT_NAMES[result.logged].toLowerCase()}.` : 'Saved.',
      });
  }
}

/** `family REF-…` in a personal chat: the family log, for a reviewer (who has no plan card) as for the business unit. */
export const familyCommand = (context: TurnContext, deps: PanelDeps) =>
  caseCardCommand(context, 'family', (data) => showFamily(context, deps, data));
