import type { TurnContext } from 'botbuilder';
import type { Caller } from '../review/deps.js';
import type { Origin } from '../review/owed.js';

/**
 * The person acting, from their Teams identity. Teams sets `from.aadObjectId` for
 * every signed-in user; without it nobody can be authorised, so Panel answers nothing
 * about cases. Card data is never consulted for identity.
 */
export function callerOf(context: TurnContext): Caller | undefined {
  const from = context.activity.from;
  if (!from || typeof from.aadObjectId !== 'string' || from.aadObjectId.trim() === '') return undefined;
  return { aadObjectId: from.aadObjectId, displayName: typeof from.name === 'string' ? from.name : '' };
}

export const NO_IDENTITY = 'Panel could not tell who you are. Use Panel from Microsoft Teams, signed in with your work account.';

export type ConversationKind = 'personal' | 'channel' | 'groupChat' | 'unknown';

/**
 * Where the activity came from. Teams always says; anything else is 'unknown', and
 * is never treated as a personal chat, where case details may be shown.
 */
export function conversationKind(context: TurnContext): ConversationKind {
  const type = context.activity.conversation?.conversationType;
  return type === 'personal' || type === 'channel' || type === 'groupChat' ? type : 'unknown';
}

/** The Entra tenant an activity comes from, as Teams states it. */
export function tenantOf(context: TurnContext): string | undefined {
  const channelData = context.activity.channelData as { tenant?: { id?: string } } | undefined;
  return context.activity.conversation?.tenantId ?? channelData?.tenant?.id;
}

/** Said where case details must not go: anywhere but a personal chat. */
export const PERSONAL_ONLY = 'Referrals and case details stay private: open a personal chat with Panel and type it there.';

/**
 * The caller of a command that works only in a personal chat. Anywhere else, or
 * without an identity, Panel says why and there is no caller.
 */
export async function personalCaller(context: TurnContext): Promise<Caller | undefined> {
  if (conversationKind(context) !== 'personal') {
    await context.sendActivity(PERSONAL_ONLY);
    return undefined;
  }
  const caller = callerOf(context);
  if (!caller) await context.sendActivity(NO_IDENTITY);
  return caller;
}

/** The Teams service of the turn that asked, where new one-to-one chats are created. */
export function originOf(context: TurnContext): Origin {
  const tenantId = tenantOf(context);
  return { serviceUrl: context.activity.serviceUrl, ...(tenantId && { tenantId }) };
}
