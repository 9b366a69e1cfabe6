import { CardFactory, type TurnContext } from 'botbuilder';
import { caseDetailsCard, caseStatusCard } from '../../cards/case-cards.js';
import { anonymise } from '../../review/case.js';
import { viewCase } from '../../review/view-case.js';
import { personalCaller } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { detailsOptions } from '../channel-card.js';
import { commandReference } from './card-data.js';

/**
 * `status REF-…` in a personal chat: the business unit sees the whole case, the
 * referrer sees where it is, and anyone else hears that there is no such case.
 */
export async function status(context: TurnContext, deps: PanelDeps): Promise<void> {
  const caller = await personalCaller(context);
  if (!caller) return;
  const reference = commandReference(context.activity.text);
  if (!reference) {
    await context.sendActivity('Send **status** and a reference, for example: status REF-2026-0007');
    return;
  }
  const view = await viewCase(deps.review, { caller, reference, via: 'status' });
  deps.log.info({ command: 'status', reference, access: view.access }, 'case view');
  if (view.access === 'none') {
    await context.sendActivity(`There is no case ${reference} that you can see.`);
    return;
  }
  const card =
    view.access === 'details'
      ? caseDetailsCard(view.record, detailsOptions(deps, view.record, false))
      : caseStatusCard(anonymise(view.record));
  await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
}
