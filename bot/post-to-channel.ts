import { CardFactory, MessageFactory, type Activity, type ConversationParameters } from 'botbuilder';
import { channelCaseCard } from '../cards/case-cards.js';
import type { AnonymousCase } from '../review/case.js';
import type { ChannelAddress } from '../review/store.js';
import { progressContext } from './channel-card.js';
import { withConnectorRetry } from './connector-retry.js';
import type { PanelDeps } from './deps.js';

/**
 * Starts a new thread in a channel with `activity` and returns the id of its first post.
 * Throttling and gateway failures are retried; a retry after an ambiguous 5xx may post
 * twice, as Teams gives no idempotency key.
 */
export async function startThread(deps: PanelDeps, channel: ChannelAddress, activity: Activity): Promise<string | undefined> {
  const parameters: ConversationParameters = {
    isGroup: true,
    bot: { id: deps.botAppId, name: 'Panel' },
    members: [],
    channelData: {
      channel: { id: channel.channelId },
      ...(channel.tenantId && { tenant: { id: channel.tenantId } }),
    },
    ...(channel.tenantId && { tenantId: channel.tenantId }),
    // The connector fills in the rest of the activity (ids, timestamps) when it posts.
    activity,
  };
  const client = await deps.connector.client(channel.serviceUrl);
  const created = await withConnectorRetry(() => client.conversations.createConversation(parameters));
  // Teams names a new thread "<channel>;messageid=<id of its first post>".
  return created.activityId ?? /;messageid=(.+)$/.exec(created.id ?? '')?.[1];
}

/** The conversation of the thread a channel post started: "<channel>;messageid=<the post>". */
export const threadOf = (channel: ChannelAddress, activityId: string): string => `${channel.channelId};messageid=${activityId}`;

/**
 * Posts a new referral's anonymised card as a new thread in the business unit's channel,
 * when this instance holds the post (claimed with the case, or taken over by the outbox
 * sweep after its claimant died), and records and audits how it went. A failure does not
 * fail the referral: the case is stored and the referrer acknowledged.
 */
export async function postClaimedReferral(deps: PanelDeps, key: string, record: AnonymousCase): Promise<void> {
  const { store, now } = deps.review;

  const fail = async (error: string) => {
    deps.log.warn({ reference: record.reference, error }, 'referral not posted to the channel');
    await store.completeNotification(
      key,
      { status: 'failed', error },
      { caseId: record.reference, at: now().toISOString(), actor: 'panel', action: 'channel.post.failed', detail: error },
    );
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
  await store.completeNotification(
    key,
    { status: 'sent', ...(activityId && { activityId, conversationId: threadOf(channel, activityId) }) },
    { caseId: record.reference, at: now().toISOString(), actor: 'panel', action: 'channel.posted' },
  );
}
