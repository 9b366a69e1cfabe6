import type { Activity, ConversationParameters } from 'botbuilder';
import type { ChannelAddress } from '../review/store.js';
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
