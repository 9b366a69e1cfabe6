import type { Activity, ConversationParameters, TurnContext } from 'botbuilder';
import { chatKey, type PersonalChat } from '../review/store.js';
import { callerOf, conversationKind, tenantOf } from './caller.js';
import { withConnectorRetry } from './connector-retry.js';
import type { PanelDeps } from './deps.js';

/**
 * People's one-to-one chats with Panel. Each personal turn tells Panel where to reach
 * its sender later; it is stored only when it is new or has moved, so an ordinary turn
 * writes nothing.
 */
export class PersonalChats {
  private readonly known = new Map<string, string>();

  async remember(context: TurnContext, deps: PanelDeps): Promise<void> {
    if (conversationKind(context) !== 'personal') return;
    const caller = callerOf(context);
    const conversationId = context.activity.conversation.id;
    if (!caller || !conversationId) return;
    const key = chatKey(caller.aadObjectId);
    if (this.known.get(key) === `${conversationId} ${context.activity.serviceUrl}`) return;
    const tenantId = tenantOf(context);
    await deps.review.store.putSetting(key, {
      conversationId,
      serviceUrl: context.activity.serviceUrl,
      ...(tenantId && { tenantId }),
      at: deps.review.now().toISOString(),
    });
    this.known.set(key, `${conversationId} ${context.activity.serviceUrl}`);
  }
}

export type PersonalDelivery = { status: 'sent'; activityId?: string } | { status: 'unreachable'; reason: string };

/** What Teams' refusals mean for someone Panel cannot reach one to one. */
function unreachable(err: unknown): PersonalDelivery {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 403) return { status: 'unreachable', reason: 'Teams refused (403): Panel is not installed for them, or they have blocked it' };
  if (status === 404) return { status: 'unreachable', reason: 'Teams could not find them or their chat with Panel (404)' };
  return { status: 'unreachable', reason: status ? `the Bot Connector answered ${status}` : 'the Bot Connector could not be reached' };
}

/**
 * Sends one message to one person, one to one. Panel uses the chat it knows; when it
 * knows none, or that chat is gone (404), it creates the conversation (Teams accepts
 * the Entra object id of a user the app is installed for). Throttling and gateway
 * failures are retried; a refusal (403), or a chat Teams cannot find even when new,
 * comes back as the reason.
 */
export async function sendToPerson(
  deps: PanelDeps,
  to: { aadObjectId: string; serviceUrl: string; tenantId?: string },
  activity: Partial<Activity>,
): Promise<PersonalDelivery> {
  const store = deps.review.store;
  const key = chatKey(to.aadObjectId);
  const send = async (chat: PersonalChat): Promise<PersonalDelivery> => {
    const client = await deps.connector.client(chat.serviceUrl);
    const sent = await withConnectorRetry(() =>
      client.conversations.sendToConversation(chat.conversationId, { type: 'message', ...activity } as Activity),
    );
    return { status: 'sent', ...(sent.id && { activityId: sent.id }) };
  };
  try {
    const known = await store.getSetting(key);
    if (known) {
      try {
        return await send(known);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    }
    const client = await deps.connector.client(to.serviceUrl);
    const parameters = {
      isGroup: false,
      bot: { id: deps.botAppId, name: 'Panel' },
      members: [{ id: to.aadObjectId, name: '' }],
      ...(to.tenantId && { tenantId: to.tenantId, channelData: { tenant: { id: to.tenantId } } }),
    } as ConversationParameters;
    const created = await withConnectorRetry(() => client.conversations.createConversation(parameters));
    if (!created.id) return { status: 'unreachable', reason: 'Teams created no chat with them' };
    const chat: PersonalChat = {
      conversationId: created.id,
      serviceUrl: to.serviceUrl,
      ...(to.tenantId && { tenantId: to.tenantId }),
      at: deps.review.now().toISOString(),
    };
    await store.putSetting(key, chat);
    return await send(chat);
  } catch (err) {
    return unreachable(err);
  }
}
