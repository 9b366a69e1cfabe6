import { CardFactory, type TurnContext } from 'botbuilder';
import { referralKindCard } from '../../cards/referral-cards.js';
import { conversationKind, PERSONAL_ONLY } from '../caller.js';
import type { PanelDeps } from '../deps.js';

/** `refer`: the first step of the referral card, in a personal chat only. */
export async function startReferral(context: TurnContext, deps: PanelDeps): Promise<void> {
  if (conversationKind(context) !== 'personal') {
    await context.sendActivity(PERSONAL_ONLY);
    return;
  }
  await context.sendActivity({
    type: 'message',
    attachments: [CardFactory.adaptiveCard(referralKindCard({ submissionId: deps.newId() }))],
  });
}
