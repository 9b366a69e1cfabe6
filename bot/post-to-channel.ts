import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { channelCaseCard } from '../cards/case-cards.js';
import type { AnonymousCase } from '../review/case.js';
import { progressContext } from './channel-card.js';
import { startThread, threadOf } from './channel-thread.js';
import type { PanelDeps } from './deps.js';

/**
 * Posts a new referral's anonymised card as a new thread in the business unit's channel,
 * when this instance holds the post (claimed with the case, held again by a later delivery
 * of the submission, or taken over by the outbox sweep after its claimant died), and records and audits how it went. A failure does not
 * fail the referral: the case is stored and the referrer acknowledged.
 */
export async function postClaimedReferral(deps: PanelDeps, key: string, record: AnonymousCase, heldUntil: string): Promise<void> {
  const { store, now } = deps.review;

  const fail = async (error: string) => {
    deps.log.warn({ reference: record.reference, error }, 'referral not posted to the channel');
    const recorded = await store.completeNotification(
      key,
      { status: 'failed', error },
      { caseId: record.reference, at: now().toISOString(), actor: 'panel', action: 'channel.post.failed', detail: error },
      heldUntil,
    );
    if (!recorded) deps.log.warn({ reference: record.reference }, 'the post was taken over meanwhile; its outcome is theirs');
  };

  const channel = await store.getSetting('referralChannel');
  if (!channel) {
    await fail('no referral channel has been chosen');
    return;
  }
  let activityId: string | undefined;
  try {
    const card = MessageFactory.attachment(CardFactory.adaptiveCard(channelCaseCard(record, progressContext(deps))));
    activityId = await startThread(deps, channel, card as Activity);
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    await fail(status ? `Bot Connector answered ${status}` : (err as Error).message);
    return;
  }
  // Posted: from here on a failure must not mark it failed, or a retry would post twice.
  // The activity id is what updates the card in place later.
  const recorded = await store.completeNotification(
    key,
    { status: 'sent', ...(activityId && { activityId, conversationId: threadOf(channel, activityId) }) },
    { caseId: record.reference, at: now().toISOString(), actor: 'panel', action: 'channel.posted' },
    heldUntil,
  );
  // Held so long (throttled past the lease) that the outbox took the post over: it may show twice.
  if (!recorded) deps.log.warn({ reference: record.reference }, 'posted after the post was taken over; it may show twice');
}
