import type { Activity, TurnContext } from 'botbuilder';
import { chatKey, type PersonalChat } from '../review/store.js';
import { callerOf, conversationKind, tenantOf } from './caller.js';
import type { PanelDeps } from './deps.js';
import { TeamsError } from './teams-sender.js';

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

/**
 * Sends one message to one person, one to one, and returns its id. Panel uses the chat it
 * knows; when it knows none, or that chat is gone (404), it creates the conversation
 * (Teams accepts the Entra object id of a user the app is installed for). A Bot Connector
 * failure is a TeamsError (a refusal, 403, or a chat Teams cannot find even when new, is
 * for good); a store failure is the store's, never reported as Teams'.
 */
export async function sendToPerson(
  deps: PanelDeps,
  to: { aadObjectId: string; serviceUrl: string; tenantId?: string },
  activity: Partial<Activity>,
): Promise<string | undefined> {
  const store = deps.review.store;
  const key = chatKey(to.aadObjectId);
  const known = await store.getSetting(key);
  if (known) {
    try {
      return await deps.sender.post(known.serviceUrl, known.conversationId, activity);
    } catch (err) {
      if (!(err instanceof TeamsError) || err.kind !== 'notFound') throw err;
    }
  }
  const conversationId = await deps.sender.createPersonalChat(to);
  const chat: PersonalChat = {
    conversationId,
    serviceUrl: to.serviceUrl,
    ...(to.tenantId && { tenantId: to.tenantId }),
    at: deps.review.now().toISOString(),
  };
  await store.putSetting(key, chat);
  return deps.sender.post(chat.serviceUrl, chat.conversationId, activity);
}
